#!/usr/bin/env python3
"""REGISTER with digest auth through the Pushgate push gateway in front of Kamailio, against sipp
straight to the same Kamailio, in one run on this machine.

Prints for each path the highest rate held for DURATION seconds with 0 failed calls and 0
retransmissions, p50/p99 of REGISTER->401->REGISTER->200, the throughput ratio gateway/direct,
the p99 the gateway adds at each rate both paths held, and the ratio to the container alone relaying
to the same Kamailio (bench/ceiling in proxy mode) in the same run.

usage: bench/gateway-register.py [--rates 500,1000,2000,...] [--duration 20] [--users 20000] [--pause-goal MS]
Needs: sip-tester, kamailio (installed when missing), a built Pushgate (built when missing).
Targets only 127.0.0.1.
"""
import argparse, os, signal, subprocess, sys, tempfile, time

from benchlib import (PEERS, add_pause_goal_option, container_ceiling, ensure_packages, print_ratio, run_sipp, sh, start_kamailio, start_pushgate, warm_up,
                      write_config)

SCENARIO = os.path.join(PEERS, "reg_auth.xml")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="250,500,750,1000,1500,2000,2500,3000")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--users", type=int, default=20000)
    add_pause_goal_option(ap)
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
""", pause_goal_ms=a.pause_goal)
    kam = start_kamailio(k_port)
    server, _ = start_pushgate(cfg, os.path.join(work, "pushgate.log"))
    print(f"REGISTER with digest auth through the gateway vs direct to Kamailio, {a.duration} s per rate, "
          f"{a.users} users, loopback UDP, {os.cpu_count()} cores")
    warm_up(gw_port, users_csv, work, SCENARIO)  # not counted
    results = {}
    for name, port in (("direct", k_port), ("gateway", gw_port)):
        for rate in rates:
            held, failed, retrans, ok, p50, p99 = run_sipp(port, rate, a.duration, users_csv, work, SCENARIO)
            print(f"  {name:8s} {rate:6d}/s  ok={ok:8d} failed={failed:6d} retrans={retrans:6d}  "
                  f"p50={p50:7.2f} ms  p99={p99:7.2f} ms  {'held' if held else 'NOT held'}", flush=True)
            if not held:
                break
            results[(name, rate)] = (p50, p99)
            time.sleep(3)
    server.send_signal(signal.SIGTERM)
    server.wait(60)
    kam.send_signal(signal.SIGTERM)
    kam.wait(30)
    # the container alone relaying to Kamailio: the ceiling of this role (target: >= 0.85 of it)
    ceiling = container_ceiling("proxy", rates, a.duration, users_csv, work, SCENARIO, port=gw_port, http_port=http_port, k_port=k_port)

    best = {n: max([r for (m, r) in results if m == n], default=0) for n in ("direct", "gateway")}
    print()
    print(f"highest rate held: direct {best['direct']}/s, through the gateway {best['gateway']}/s, "
          f"container proxy ceiling {ceiling[0] if ceiling else 0}/s")
    if ceiling:
        print_ratio("ratio gateway/container proxy ceiling", best["gateway"], ceiling[0], rates)
    if best["direct"]:
        print_ratio("throughput ratio gateway/direct", best["gateway"], best["direct"], rates)
    for rate in rates:
        if ("direct", rate) in results and ("gateway", rate) in results:
            added = results[("gateway", rate)][1] - results[("direct", rate)][1]
            print(f"  at {rate}/s the gateway adds {added:.2f} ms to p99")


if __name__ == "__main__":
    main()
