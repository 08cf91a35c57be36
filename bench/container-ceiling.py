#!/usr/bin/env python3
"""What the SIP Servlet container alone can hold on this machine: the ceiling of every Pushgate role.

Deploys bench/ceiling (a servlet that does the least a REGISTER needs, nothing of Pushgate) on the
same launcher, JVM options and stack settings as Pushgate, and sweeps REGISTER with digest auth
(../shared/bench-peers/reg_auth.xml) at increasing rates:
  answer   the servlet challenges with 401 and answers 200, checking and storing nothing
           (the ceiling of bench/register-auth.py);
  proxy    the servlet relays every REGISTER to Kamailio with the container's proxy
           (the ceiling of bench/gateway-register.py);
  kamailio sipp straight to the same Kamailio with digest auth.
Prints the highest rate each held for DURATION seconds with 0 failures and 0 retransmissions,
p50/p99 there, and each ceiling as a ratio to Kamailio.

usage: bench/container-ceiling.py [--rates 2000,4000,...] [--duration 20] [--users 20000] [--modes kamailio,answer,proxy]
Needs: sip-tester, kamailio (installed when missing), a JDK, a built Pushgate runtime (built when missing).
Targets only 127.0.0.1.
"""
import argparse, os, signal, sys, tempfile

from benchlib import PEERS, container_ceiling, ensure_packages, print_held, print_ratio, sh, start_kamailio, sweep

SCENARIO = os.path.join(PEERS, "reg_auth.xml")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="1000,2000,3000,4000,5000,6000,8000,10000,12000,15000")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--modes", default="kamailio,answer,proxy")
    a = ap.parse_args()
    rates = [int(r) for r in a.rates.split(",")]
    modes = a.modes.split(",")
    ensure_packages()
    work = tempfile.mkdtemp(prefix="pushgate-ceiling-")
    sh([sys.executable, os.path.join(PEERS, "users.py"), str(a.users), work])
    users_csv = os.path.join(work, "users_auth.csv")
    port, k_port = 5080, 5070
    print(f"REGISTER with digest auth: the container alone vs Kamailio, {a.duration} s per rate, {a.users} users, "
          f"loopback UDP, {os.cpu_count()} cores")
    best = {}
    for mode in modes:
        if mode == "kamailio":
            kam = start_kamailio(k_port)
            best[mode] = sweep(mode, k_port, rates, a.duration, users_csv, work, SCENARIO)
            kam.send_signal(signal.SIGTERM)
            kam.wait(30)
        else:
            best[mode] = container_ceiling(mode, rates, a.duration, users_csv, work, SCENARIO, port=port, k_port=k_port)

    print()
    print_held("path", [(mode, best.get(mode)) for mode in modes])
    if best.get("kamailio"):
        for mode in ("answer", "proxy"):
            if best.get(mode):
                print_ratio(f"ceiling ratio {mode}/kamailio", best[mode][0], best["kamailio"][0], rates)


if __name__ == "__main__":
    main()
