#!/usr/bin/env python3
"""Calls per second through the registrar/proxy with every call anchored in rtpengine
(offer on the INVITE, answer on the 200, delete on the BYE), and the setup time that adds.

sipp's stock UAC and UAS from ../shared/bench-peers (SDP in the INVITE and the 200) call through
Pushgate twice on the same machine: once without a media relay, once with a real rtpengine
(userspace, NG on loopback). A rate is held with 0 failed calls and 0 retransmissions; the
difference of the INVITE->200 times between the two runs is what the NG round trips cost.
The same UAC and UAS then call through Kamailio with the same rtpengine (bench/kamailio-rtpengine.cfg:
offer, answer and delete with the plain-to-plain flags), as the yardstick.

usage: bench/media-calls.py [--rates 100,200,300,400,600,800] [--duration 20]
Needs: sip-tester, rtpengine-daemon, a built Pushgate. Targets only 127.0.0.1.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time

from benchlib import PEERS, ROOT, ensure_packages, register_uas, sh, start_pushgate, sweep, warm_up, write_config

PG_PORT, NG_PORT, UAS_PORT, KAM_PORT = 5094, 22230, 5090, 5070


def calls_through(name, port, rates, duration, d):
    """Registers the sipp UAS at the proxy on port, starts it, warms up, and sweeps the UAC's rates."""
    register_uas(port, UAS_PORT, d)
    uas = subprocess.Popen(["sipp", "-sf", os.path.join(PEERS, "uas.xml"), "-i", "127.0.0.1", "-p", str(UAS_PORT),
                            "-nostdin", "-mp", "36000"], cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        users = os.path.join(d, "users.csv")
        open(users, "w").write("SEQUENTIAL\ncaller;x\n")
        # the JIT of a fresh server, and the same load before each proxy for the same relay state
        warm_up(port, users, d, os.path.join(PEERS, "uac.xml"))
        return sweep(name, port, rates, duration, users, d, os.path.join(PEERS, "uac.xml"))
    finally:
        uas.terminate()
        uas.wait(timeout=10)


def run(mode, rates, duration, work):
    d = os.path.join(work, mode)
    os.makedirs(d)
    media = f"[media]\nrtpengine = 127.0.0.1:{NG_PORT}\n" if mode == "rtpengine" else ""
    cfg = write_config(d, PG_PORT, 18094, "[auth]\ntrusted-peers = 127.0.0.1\n" + media)
    sh([os.path.join(ROOT, "bin", "pushgate"), "subscriber", "add", "uas", "--config", cfg], input=b"pw-uas\n", stdout=subprocess.DEVNULL)
    server, _ = start_pushgate(cfg, os.path.join(d, "server.log"))
    try:
        return calls_through(mode, PG_PORT, rates, duration, d)
    finally:
        server.terminate()
        server.wait(timeout=60)


def run_kamailio(rates, duration, work):
    """The yardstick: Kamailio's rtpengine module on the same relay, UAC and UAS."""
    d = os.path.join(work, "kamailio")
    os.makedirs(d)
    cfg = os.path.join(d, "kamailio.cfg")
    with open(os.path.join(ROOT, "bench", "kamailio-rtpengine.cfg")) as f:
        open(cfg, "w").write(f.read().replace("NG_PORT", str(NG_PORT)))
    # 512 MB of shared memory: with the default 64 MB it ran out of transactions at 400 calls/s
    kam = subprocess.Popen(["kamailio", "-f", cfg, "-l", f"udp:127.0.0.1:{KAM_PORT}", "-m", "512", "-DD", "-E", "-w", d],
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "kamailio.log"), "w"))
    try:
        time.sleep(2)
        return calls_through("kamailio", KAM_PORT, rates, duration, d)
    finally:
        kam.terminate()
        kam.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="100,200,300,400,600,800")
    ap.add_argument("--duration", type=int, default=20)
    a = ap.parse_args()
    ensure_packages()
    if not shutil.which("rtpengine"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        sh(sudo + ["apt-get", "install", "-y", "-q", "rtpengine-daemon"], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    rates = [int(r) for r in a.rates.split(",")]
    work = tempfile.mkdtemp(prefix="pushgate-bench-media-")
    relay = subprocess.Popen(["rtpengine", "--interface=127.0.0.1", f"--listen-ng=127.0.0.1:{NG_PORT}", "--foreground",
                              "--table=-1", "--port-min=40000", "--port-max=59999", "--log-level=3",
                              # Pushgate asks for delete-delay 0 per call; Kamailio's module leaves the default (30 s)
                              "--delete-delay=0"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        plain = run("no-relay", rates, a.duration, work)
        anchored = run("rtpengine", rates, a.duration, work)
        yardstick = run_kamailio(rates, a.duration, work)
    finally:
        relay.terminate()
        relay.wait(timeout=10)
    print("\nhighest rate held (0 failed, 0 retransmitted), INVITE->200 at that rate:")
    for name, best in (("no relay", plain), ("rtpengine", anchored), ("Kamailio + rtpengine", yardstick)):
        print(f"  {name:20s} " + ("none held" if best is None else f"{best[0]}/s  p50 {best[1]:.2f} ms  p99 {best[2]:.2f} ms"))
    if plain and anchored:
        print(f"  NG offer+answer add at {anchored[0]}/s: p50 {anchored[1] - plain[1]:+.2f} ms, p99 {anchored[2] - plain[2]:+.2f} ms "
              "(against the no-relay run's held rate)")
    if anchored and yardstick:
        print(f"  Pushgate/Kamailio, both anchored in rtpengine: {anchored[0] / yardstick[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
