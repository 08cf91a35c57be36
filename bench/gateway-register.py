#!/usr/bin/env python3
"""REGISTER with digest auth through the Pushgate push gateway in front of Kamailio, against sipp
straight to the same Kamailio, in one run on this machine.

Prints for each path the highest rate held for DURATION seconds with 0 failed calls and 0
retransmissions, p50/p99 of REGISTER->401->REGISTER->200, the throughput ratio gateway/direct,
the p99 the gateway adds at each rate both paths held, and the ratio to the container alone relaying
to the same Kamailio (bench/ceiling in proxy mode) in the same run.

usage: bench/gateway-register.py [--rates 500,1000,2000,...] [--duration 20] [--users 20000] [--pause-goal MS]
                                 [--h2-options ';NAME=VALUE'] [--profile]
                                 [--set SECTION.KEY=VALUE ...]
Needs: sip-tester, kamailio (installed when missing), a built Pushgate (built when missing).
Targets only 127.0.0.1.
"""
import argparse, os, signal, sys, tempfile

from benchlib import (PEERS, add_pause_goal_option, container_ceiling, ensure_packages, extra_settings, kamailio_pids, print_half_rate_p99, print_ratio, sh, start_kamailio, start_pushgate, sweep, warm_up,
                      write_config)

SCENARIO = os.path.join(PEERS, "reg_auth.xml")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="250,500,750,1000,1500,2000,2500,3000")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--users", type=int, default=20000)
    add_pause_goal_option(ap)
    ap.add_argument("--h2-options", default="", help="the gateway's H2 URL options, each replacing the shipped one of its name, e.g. ;CACHE_SIZE=16384")
    ap.add_argument("--profile", action="store_true", help="CPU-profile the gateway at each rate (bench/profiler.py)")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                    help="one more setting of the gateway (repeatable), e.g. database.commit-window-us=2000")
    a = ap.parse_args()
    rates = [int(r) for r in a.rates.split(",")]
    ensure_packages()
    work = tempfile.mkdtemp(prefix="pushgate-gwbench-")
    sh([sys.executable, os.path.join(PEERS, "users.py"), str(a.users), work])
    users_csv = os.path.join(work, "users_auth.csv")

    gw_port, k_port, http_port = 5080, 5070, 18080
    cfg = write_config(work, gw_port, http_port, f"""pool-size = 16
[server]
role = gateway
[gateway]
backend = 127.0.0.1:{k_port}
pending-max = 1000000
""" + extra_settings(a.set), pause_goal_ms=a.pause_goal, h2_options=a.h2_options)
    kam = start_kamailio(k_port)
    server, java_pid = start_pushgate(cfg, os.path.join(work, "pushgate.log"))
    print(f"REGISTER with digest auth through the gateway vs direct to Kamailio, {a.duration} s per rate, "
          f"{a.users} users, loopback UDP, {os.cpu_count()} cores, H2 options {a.h2_options or 'as shipped'}"
          + "".join(f", {pair}" for pair in a.set))
    warm_up(gw_port, users_csv, work, SCENARIO)  # not counted
    results = {"direct": {}, "gateway": {}}
    sweep("direct", k_port, rates, a.duration, users_csv, work, SCENARIO, results=results["direct"], cpu_pids=lambda: kamailio_pids(kam))
    # the gateway's CPU alone (the backend's is the direct sweep's)
    sweep("gateway", gw_port, rates, a.duration, users_csv, work, SCENARIO, profile_pid=java_pid if a.profile else None, results=results["gateway"],
          cpu_pids=lambda: [java_pid])
    server.send_signal(signal.SIGTERM)
    server.wait(60)
    kam.send_signal(signal.SIGTERM)
    kam.wait(30)
    # the container alone relaying to Kamailio: the ceiling of this role (target: >= 0.85 of it)
    ceiling = container_ceiling("proxy", rates, a.duration, users_csv, work, SCENARIO, port=gw_port, http_port=http_port, k_port=k_port)

    best = {n: max(results[n], default=0) for n in ("direct", "gateway")}
    print()
    print(f"highest rate held: direct {best['direct']}/s, through the gateway {best['gateway']}/s, "
          f"container proxy ceiling {ceiling[0] if ceiling else 0}/s")
    if ceiling:
        print_ratio("ratio gateway/container proxy ceiling", best["gateway"], ceiling[0], rates)
    if best["direct"]:
        print_ratio("throughput ratio gateway/direct", best["gateway"], best["direct"], rates)
    if best["gateway"]:
        print_half_rate_p99("gateway", results["gateway"], best["gateway"])
    for rate in rates:
        if rate in results["direct"] and rate in results["gateway"]:
            added = results["gateway"][rate][1] - results["direct"][rate][1]
            print(f"  at {rate}/s the gateway adds {added:.2f} ms to p99")


if __name__ == "__main__":
    main()
