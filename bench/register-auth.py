#!/usr/bin/env python3
"""REGISTER with digest auth at increasing rates, Pushgate and Kamailio side by side on this machine.

For each server: the highest rate held for DURATION seconds with 0 failed calls and 0 retransmissions
(sipp's own statistics), p50/p99 of the REGISTER->401->REGISTER->200 time at that rate, and the
Pushgate/Kamailio ratio. Then heap bytes per stored binding at 100,000 bindings.

usage: bench/register-auth.py [--rates 2000,5000,...] [--duration 20] [--users 100000]
Needs: sip-tester, kamailio (installed when missing), a built Pushgate (built when missing).
Targets only 127.0.0.1.
"""
import argparse, csv, glob, os, re, shutil, signal, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(os.path.dirname(ROOT), "shared", "bench-peers")
SCENARIO = os.path.join(PEERS, "reg_auth.xml")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def ensure_packages():
    missing = [pkg for cmd, pkg in (("sipp", "sip-tester"), ("kamailio", "kamailio")) if not shutil.which(cmd)]
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        sh(sudo + ["apt-get", "update", "-q"])
        sh(sudo + ["apt-get", "install", "-y", "-q"] + missing, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def run_sipp(port, rate, duration, users_csv, workdir):
    """One sipp run at a fixed rate; returns (ok, failed, retrans, calls, p50, p99)."""
    d = tempfile.mkdtemp(dir=workdir, prefix=f"sipp-{port}-{rate}-")
    total = rate * duration
    cmd = ["sipp", f"127.0.0.1:{port}", "-sf", SCENARIO, "-inf", users_csv, "-i", "127.0.0.1", "-p", "0",
           "-m", str(total), "-r", str(rate), "-rp", "1000", "-l", str(max(1000, rate * 2)),
           "-trace_stat", "-stf", os.path.join(d, "stat.csv"), "-fd", "1",
           "-trace_rtt", "-rtt_freq", "1000", "-nostdin", "-timeout", f"{duration + 40}s", "-timeout_error",
           "-recv_timeout", "10000"]
    subprocess.run(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(d, "stat.csv")) as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    last = rows[-1]
    failed = int(last["FailedCall(C)"])
    retrans = int(last["Retransmissions(C)"])
    ok = int(last["SuccessfulCall(C)"])
    rtts = []
    for path in glob.glob(os.path.join(d, "*_rtt.csv")):
        with open(path) as f:
            for line in f:
                parts = line.strip().split(";")
                if len(parts) >= 2 and re.match(r"^[0-9.]+$", parts[1]):
                    rtts.append(float(parts[1]))
    rtts.sort()
    p = lambda q: rtts[min(len(rtts) - 1, int(q * len(rtts)))] if rtts else float("nan")
    return ok == total and failed == 0 and retrans == 0, failed, retrans, ok, p(0.50), p(0.99)


def sweep(name, port, rates, duration, users_csv, workdir):
    best = None
    for rate in rates:
        held, failed, retrans, ok, p50, p99 = run_sipp(port, rate, duration, users_csv, workdir)
        print(f"  {name:9s} {rate:6d}/s  ok={ok:8d} failed={failed:6d} retrans={retrans:6d}  p50={p50:7.2f} ms  p99={p99:7.2f} ms  {'held' if held else 'NOT held'}", flush=True)
        if not held:
            break
        best = (rate, p50, p99)
        time.sleep(3)
    return best


def heap_used(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL)
    time.sleep(2)
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    m = re.search(r"used (\d+)K", out)
    return int(m.group(1)) * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="250,500,750,1000,1500,2000,4000,6000,8000,10000,12000,15000")
    ap.add_argument("--fill-rate", type=int, default=800, help="rate of the first pass that stores one binding per user")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--users", type=int, default=100000)
    a = ap.parse_args()
    rates = [int(r) for r in a.rates.split(",")]
    ensure_packages()
    work = tempfile.mkdtemp(prefix="pushgate-bench-")
    sh([sys.executable, os.path.join(PEERS, "users.py"), str(a.users), work])
    users_csv = os.path.join(work, "users_auth.csv")

    pg_port, k_port, http_port = 5080, 5070, 18080
    cfg = os.path.join(work, "pushgate.ini")
    with open(cfg, "w") as f:
        f.write(f"""[server]
udp-port = {pg_port}
tcp-port = {pg_port}
http-port = {http_port}
work-dir = {work}/container
log-level = warn
sip-threads = 64
[domain]
names = localhost 127.0.0.1
[database]
url = jdbc:h2:file:{work}/db/pushgate;AUTO_SERVER=TRUE;WRITE_DELAY=0
pool-size = 16
[auth]
max-failures = 1000000
""")
    pushgate = [os.path.join(ROOT, "bin", "pushgate")]
    sh(pushgate + ["subscriber", "import", os.path.join(work, "users.csv"), "--config", cfg], stdout=subprocess.DEVNULL)
    env = dict(os.environ, PUSHGATE_HEAP=os.environ.get("PUSHGATE_HEAP", "2g"))
    server = subprocess.Popen(pushgate + ["run", "--config", cfg], stdout=open(os.path.join(work, "pushgate.log"), "w"),
                              stderr=subprocess.STDOUT, env=env)
    for _ in range(600):
        if "Pushgate ready" in open(os.path.join(work, "pushgate.log"), errors="replace").read():
            break
        time.sleep(0.2)
    java_pid = int(subprocess.run(["pgrep", "-n", "-f", "io.pushgate.runtime.Launcher run --config " + cfg],
                                  capture_output=True, text=True).stdout.split()[0])
    print(f"Pushgate/Kamailio REGISTER with digest auth, {a.duration} s per rate, {a.users} users, loopback UDP, {os.cpu_count()} cores")
    empty = heap_used(java_pid)
    # one registration per user, for the memory figure (also warms the JIT before the sweep)
    run_sipp(pg_port, a.fill_rate, a.users // a.fill_rate, users_csv, work)
    full = heap_used(java_pid)
    pg_best = sweep("pushgate", pg_port, rates, a.duration, users_csv, work)
    server.send_signal(signal.SIGTERM)
    server.wait(60)

    kam = subprocess.Popen([os.path.join(PEERS, "kamailio-peer"), str(k_port), "auth"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    k_best = sweep("kamailio", k_port, rates, a.duration, users_csv, work)
    kam.send_signal(signal.SIGTERM)
    kam.wait(30)

    print()
    print(f"{'server':10s} {'held rate':>10s} {'p50 ms':>8s} {'p99 ms':>8s}")
    for name, best in (("pushgate", pg_best), ("kamailio", k_best)):
        if best:
            print(f"{name:10s} {best[0]:>8d}/s {best[1]:8.2f} {best[2]:8.2f}")
        else:
            print(f"{name:10s} {'none':>10s}")
    if pg_best and k_best:
        print(f"ratio pushgate/kamailio: {pg_best[0] / k_best[0]:.2f}")
    print(f"heap per binding at {a.users} bindings: {(full - empty) / a.users:.0f} bytes (used heap after GC, before {empty // 1024} KiB, after {full // 1024} KiB)")


if __name__ == "__main__":
    main()
