#!/usr/bin/env python3
"""Concurrent waiting calls the push application server holds while streaming early media.

A registrar/proxy (Pushgate) and the push application server (Pushgate on 127.0.0.2) run side by
side. sipp sends N calls straight to the application server for one sleeping user (so one
registration subscription serves them all); each call gets 183 and G.711 early media, and waits
(nobody registers) until the wait timeout. A Java sink takes every stream on one UDP port and
measures, once all N calls are up: streams seen, lost packets (sequence gaps) and the
packet-interval jitter |gap - 20 ms|.

There is no Kamailio figure beside it: Kamailio does not originate media.

usage: bench/push-server-media.py [--calls 500 1000] [--rate 100] [--measure 20]
Needs: sip-tester, a built Pushgate. Targets only 127.0.0.1 and 127.0.0.2.
"""
import argparse, json, os, subprocess, sys, tempfile, time

from benchlib import ROOT, COLLECTORS, add_collector_option, ensure_packages, push_server_config, sh, start_pushgate, waiting_caller, write_config

PROXY_PORT, AS_PORT, SINK_PORT = 5090, 5092, 39000
PIN = False
RT = False
AS_JAVA_OPTS = None

# every call waits (nobody registers) until the wait timeout ends it with 480
SCENARIO = waiting_caller("bob", SINK_PORT, 480)


def run(calls, rate, measure, work):
    ramp = calls / rate
    wait = int(ramp + measure + 15)
    proxy_dir, as_dir = os.path.join(work, f"proxy-{calls}"), os.path.join(work, f"as-{calls}")
    os.makedirs(proxy_dir), os.makedirs(as_dir)
    proxy_cfg = write_config(proxy_dir, PROXY_PORT, 18090, "[auth]\ntrusted-peers = 127.0.0.2\n")
    as_cfg = push_server_config(as_dir, AS_PORT, 18092, PROXY_PORT, calls, wait)
    sh([os.path.join(ROOT, "bin", "pushgate"), "subscriber", "add", "bob", "--config", proxy_cfg],
       input=b"pw-bob\n", stdout=subprocess.DEVNULL)
    proxy, proxy_pid = start_pushgate(proxy_cfg, os.path.join(proxy_dir, "server.log"))
    server, as_pid = start_pushgate(as_cfg, os.path.join(as_dir, "server.log"), AS_JAVA_OPTS)
    if PIN:
        # The server under test gets core 0; the load (sipp, the sink, the registrar) core 1.
        sh(["taskset", "-a", "-p", "-c", "0", str(as_pid)], stdout=subprocess.DEVNULL)
        sh(["taskset", "-a", "-p", "-c", "1", str(proxy_pid)], stdout=subprocess.DEVNULL)
    if RT:
        # What an operator can do for low jitter: real-time priority for the one media thread.
        for tid in os.listdir(f"/proc/{as_pid}/task"):
            if open(f"/proc/{as_pid}/task/{tid}/comm").read().strip() == "pushgate-rtp":
                sh(["chrt", "-f", "-p", "10", tid], stdout=subprocess.DEVNULL)
    load = ["taskset", "-c", "1"] if PIN else []
    try:
        sink = subprocess.Popen(load + [sys.executable, os.path.join(ROOT, "bench", "rtp_sink.py"), str(SINK_PORT),
                                 str(ramp + 3), str(measure)], stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        scen = os.path.join(work, "waiting.xml")
        open(scen, "w").write(SCENARIO)
        sipp = subprocess.Popen(load + ["sipp", "-sf", scen, "-r", str(rate), "-m", str(calls), "-l", str(calls + 10),
                                 "-i", "127.0.0.1", "-nostdin",
                                 "-timeout", str(wait + 30), f"127.0.0.2:{AS_PORT}"],
                                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out, _ = sink.communicate(timeout=ramp + measure + 60)
        figures = json.loads(out.strip().splitlines()[-1])
        sipp.wait(timeout=wait + 60)
        figures["sipp_exit"] = sipp.returncode
        return figures
    finally:
        for p in (server, proxy):
            p.terminate()
            p.wait(timeout=60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, nargs="+", default=[500, 1000])
    ap.add_argument("--rate", type=int, default=100)
    ap.add_argument("--measure", type=int, default=20)
    ap.add_argument("--pin", action="store_true", help="server on core 0, load generators on core 1 (needs 2+ cores)")
    ap.add_argument("--rt", action="store_true", help="real-time priority (chrt -f 10) for the server's media thread")
    add_collector_option(ap)
    a = ap.parse_args()
    global PIN, RT, AS_JAVA_OPTS
    PIN, RT, AS_JAVA_OPTS = a.pin, a.rt, COLLECTORS[a.collector]
    ensure_packages()
    work = tempfile.mkdtemp(prefix="pushgate-bench-as-")
    # "sent": jitter of the kernel's send stamps (the server's pacing); "read": as the sink read them
    print(f"{'waiting calls':>14} {'streams':>8} {'packets':>9} {'lost':>6}   jitter sent p50/p99/max"
          f"        read p50/p99/max  sipp")
    for n in a.calls:
        f = run(n, a.rate, a.measure, work)
        view = lambda k: "/".join(f"{f[f'{k}_jitter_{q}_ms']:.2f}" for q in ("p50", "p99", "max")) + " ms"
        print(f"{n:>14} {f['streams']:>8} {f['received']:>9} {f['lost']:>6}   {view('sent'):>22}  {view('read'):>22}"
              f"  exit {f['sipp_exit']}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
