#!/usr/bin/env python3
"""REGISTER with digest auth at increasing rates, Pushgate and Kamailio side by side on this machine.

For each server: the highest rate held for DURATION seconds with 0 failed calls and 0 retransmissions
(sipp's own statistics), p50/p99 of the REGISTER->401->REGISTER->200 time at that rate, and the
Pushgate/Kamailio ratio, and the same sweep of the container alone answering every REGISTER
(bench/ceiling, as bench/container-ceiling.py runs it) with the Pushgate/ceiling ratio of the same
run. Then heap bytes per stored binding at 100,000 bindings.

usage: bench/register-auth.py [--rates 2000,5000,...] [--duration 20] [--users 100000] [--profile]
                              [--sip-threads 64] [--commit-window-us 0] [--pause-goal MS] [--pushgate-only]
                              [--database h2|postgresql] [--h2-options ';NAME=VALUE'] [--collector auto|g1|zgc|parallel]
                              [--set SECTION.KEY=VALUE ...]
--database postgresql keeps Pushgate's bindings in a throw-away PostgreSQL on this machine (its CPU
is then outside Pushgate's process: the figure is the pair's).
Needs: sip-tester, kamailio (and postgresql for --database postgresql; installed when missing), a
built Pushgate (built when missing).
Targets only 127.0.0.1.
"""
import argparse, atexit, os, signal, subprocess, sys, tempfile, time

from benchlib import (COLLECTORS, PEERS, ROOT, Postgres, add_collector_option, add_pause_goal_option, container_ceiling, ensure_packages, extra_settings, heap_used, kamailio_pids, print_half_rate_p99, print_held, print_ratio, run_sipp, sh, start_kamailio, start_pushgate, sweep,
                      warm_up, write_config)

SCENARIO = os.path.join(PEERS, "reg_auth.xml")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="250,500,750,1000,1500,2000,2500,3000,3500,4000,5000,6000,8000,10000,12000,15000")
    ap.add_argument("--fill-rate", type=int, default=800, help="rate of the first pass that stores one binding per user")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--users", type=int, default=100000)
    ap.add_argument("--profile", action="store_true", help="CPU-profile Pushgate at each rate (bench/profiler.py)")
    ap.add_argument("--sip-threads", type=int, default=64, help="[server] sip-threads of Pushgate")
    ap.add_argument("--commit-window-us", type=int, default=0, help="[database] commit-window-us of Pushgate")
    add_pause_goal_option(ap)
    add_collector_option(ap)
    ap.add_argument("--pushgate-only", action="store_true", help="no Kamailio and no container ceiling sweep (a settings comparison)")
    ap.add_argument("--database", choices=("h2", "postgresql"), default="h2", help="where Pushgate keeps its bindings (default: embedded H2)")
    ap.add_argument("--h2-options", default="", help="appended to the H2 URL, e.g. ;PAGE_SIZE=1024")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                    help="one more setting of Pushgate (repeatable), e.g. router.non-invite-linger-ms=500")
    a = ap.parse_args()
    rates = [int(r) for r in a.rates.split(",")]
    ensure_packages(postgres=a.database == "postgresql")
    postgres = Postgres(25433) if a.database == "postgresql" else None
    if postgres:
        atexit.register(postgres.stop)
    work = tempfile.mkdtemp(prefix="pushgate-bench-")
    sh([sys.executable, os.path.join(PEERS, "users.py"), str(a.users), work])
    users_csv = os.path.join(work, "users_auth.csv")

    pg_port, k_port, http_port = 5080, 5070, 18080
    cfg = write_config(work, pg_port, http_port, f"""pool-size = 16
commit-window-us = {a.commit_window_us}
{"user = pushgate" if postgres else ""}
[domain]
names = localhost 127.0.0.1
[auth]
max-failures = 1000000
""" + extra_settings(a.set), sip_threads=a.sip_threads, pause_goal_ms=a.pause_goal, db_url=postgres.url() if postgres else None, h2_options=a.h2_options)
    pushgate = [os.path.join(ROOT, "bin", "pushgate")]
    sh(pushgate + ["subscriber", "import", os.path.join(work, "users.csv"), "--config", cfg], stdout=subprocess.DEVNULL)
    server, java_pid = start_pushgate(cfg, os.path.join(work, "pushgate.log"), COLLECTORS[a.collector])
    print(f"Pushgate/Kamailio REGISTER with digest auth, {a.duration} s per rate, {a.users} users, loopback UDP, {os.cpu_count()} cores, "
          f"bindings in {a.database}{a.h2_options if not postgres else ''}, {a.sip_threads} SIP threads, commit window {a.commit_window_us} us, collector {a.collector}, G1 pause goal {f'{a.pause_goal} ms' if a.pause_goal else 'G1 default'}"
          + "".join(f", {pair}" for pair in a.set))
    empty = heap_used(java_pid)
    # the same warm-up as the ceiling's below: the fill at full rate on a cold JIT built a backlog
    # that the first measured rate still carried (2000/s failed on 2026-12-06, held once warm)
    warm_up(pg_port, users_csv, work, SCENARIO)
    # one registration per user, for the memory figure
    run_sipp(pg_port, a.fill_rate, a.users // a.fill_rate, users_csv, work, SCENARIO)
    # the stack keeps each UDP transaction 32 s after its final response (RFC 3261 Timer J): wait
    # them out, so the figure is what a binding costs and not the fill's transactions
    time.sleep(40)
    full = heap_used(java_pid)
    pg_results = {}
    # Pushgate's CPU per REGISTER pair (and its database's, when that is a process of its own)
    pids = lambda: [java_pid] + (postgres.pids() if postgres else [])
    pg_best = sweep("pushgate", pg_port, rates, a.duration, users_csv, work, SCENARIO, profile_pid=java_pid if a.profile else None,
                    results=pg_results, cpu_pids=pids)
    server.send_signal(signal.SIGTERM)
    server.wait(60)

    k_best = ceiling = None
    if not a.pushgate_only:
        kam = start_kamailio(k_port)
        k_best = sweep("kamailio", k_port, rates, a.duration, users_csv, work, SCENARIO, cpu_pids=lambda: kamailio_pids(kam))
        kam.send_signal(signal.SIGTERM)
        kam.wait(30)
        # the container alone, answering: the ceiling of this role (issue target: held rate >= 0.85 of it)
        ceiling = container_ceiling("answer", rates, a.duration, users_csv, work, SCENARIO, port=pg_port, http_port=http_port)

    print()
    print_held("server", (("pushgate", pg_best), ("kamailio", k_best), ("ceiling", ceiling)))
    if pg_best and ceiling:
        print_ratio("ratio pushgate/container answer ceiling", pg_best[0], ceiling[0], rates)
    if pg_best and k_best:
        print_ratio("ratio pushgate/kamailio", pg_best[0], k_best[0], rates)
    if pg_best:
        print_half_rate_p99("pushgate", pg_results, pg_best[0])
    print(f"heap per binding at {a.users} bindings: {(full - empty) / a.users:.0f} bytes (used heap after GC, before {empty // 1024} KiB, after {full // 1024} KiB)")


if __name__ == "__main__":
    main()
