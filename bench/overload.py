#!/usr/bin/env python3
"""Overload and recovery: does the registrar come back after a burst above its ceiling?

A server that queues what it cannot serve answers each request late, after the client has sent it
again; the copies are more work, and the load that made it late keeps it late after the burst
ends. For each server (Pushgate as registrar with digest auth and H2, then Kamailio with the same
users): REGISTERs at --base rate (well under the ceiling), then --spike more per second on top for
--spike-seconds, then the base rate alone in --after runs of --run seconds. Each run prints sipp's
ok/failed/retransmissions and p50/p99; the verdict says whether the base rate was held again, and
how many runs that took.

usage: bench/overload.py [--base 1500] [--spike 6000] [--spike-seconds 15] [--after 4] [--run 20]
Needs: sip-tester, kamailio (installed when missing), a built Pushgate. Targets only 127.0.0.1.
"""
import argparse, os, signal, subprocess, sys, tempfile, threading, time

from benchlib import PEERS, ROOT, ensure_packages, run_sipp, sh, start_kamailio, start_pushgate, warm_up, write_config

SCENARIO = os.path.join(PEERS, "reg_auth.xml")


def line(name, phase, rate, result):
    held, failed, retrans, ok, p50, p99 = result
    print(f"  {name:9s} {phase:10s} {rate:6d}/s  ok={ok:7d} failed={failed:6d} retrans={retrans:7d}  p50={p50:8.2f} ms  p99={p99:8.2f} ms"
          f"  {'held' if held else 'NOT held'}", flush=True)


def episode(name, port, a, users_csv, work):
    """Runs before / spike / after at `port`; returns how many after-runs it took to hold the base rate again (None: never)."""
    line(name, "before", a.base, run_sipp(port, a.base, a.run, users_csv, work, SCENARIO))
    spike = {}
    burst = threading.Thread(target=lambda: spike.update(r=run_sipp(port, a.spike, a.spike_seconds, users_csv, work, SCENARIO)))
    burst.start()
    line(name, "during", a.base, run_sipp(port, a.base, a.spike_seconds, users_csv, work, SCENARIO))
    burst.join()
    line(name, "spike", a.spike, spike["r"])
    recovered = None
    for i in range(1, a.after + 1):
        result = run_sipp(port, a.base, a.run, users_csv, work, SCENARIO)
        line(name, f"after {i}", a.base, result)
        if result[0] and recovered is None:
            recovered = i
    return recovered


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=int, default=1500)
    ap.add_argument("--spike", type=int, default=6000, help="REGISTERs per second added on top of the base during the burst")
    ap.add_argument("--spike-seconds", type=int, default=15)
    ap.add_argument("--after", type=int, default=4, help="runs at the base rate after the burst")
    ap.add_argument("--run", type=int, default=20, help="seconds of each run at the base rate")
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--no-kamailio", action="store_true")
    ap.add_argument("--extra-config", default="", help="lines appended to [server] of Pushgate's configuration")
    a = ap.parse_args()
    ensure_packages()
    work = tempfile.mkdtemp(prefix="pushgate-overload-")
    sh([sys.executable, os.path.join(PEERS, "users.py"), str(a.users), work])
    users_csv = os.path.join(work, "users_auth.csv")
    pg_port, k_port, http_port = 5082, 5072, 18082
    cfg = write_config(work, pg_port, http_port, "pool-size = 16\n[domain]\nnames = localhost 127.0.0.1\n[auth]\nmax-failures = 1000000\n"
                       + ("[server]\n" + a.extra_config.replace("\\n", "\n") + "\n" if a.extra_config else ""))
    sh([os.path.join(ROOT, "bin", "pushgate"), "subscriber", "import", os.path.join(work, "users.csv"), "--config", cfg], stdout=subprocess.DEVNULL)
    print(f"Overload and recovery: base {a.base}/s, +{a.spike}/s for {a.spike_seconds} s, then {a.after} x {a.run} s at the base; "
          f"{a.users} users, loopback UDP, {os.cpu_count()} cores")
    server, _ = start_pushgate(cfg, os.path.join(work, "pushgate.log"))
    warm_up(pg_port, users_csv, work, SCENARIO)
    results = [("pushgate", episode("pushgate", pg_port, a, users_csv, work))]
    server.send_signal(signal.SIGTERM)
    server.wait(60)
    if not a.no_kamailio:
        kam = start_kamailio(k_port)
        results.append(("kamailio", episode("kamailio", k_port, a, users_csv, work)))
        kam.send_signal(signal.SIGTERM)
        kam.wait(30)
    print()
    for name, recovered in results:
        print(f"{name:9s} " + (f"held the base rate again in after-run {recovered}" if recovered else "did NOT hold the base rate again"))
    print(f"(work directory: {work})")


if __name__ == "__main__":
    main()
