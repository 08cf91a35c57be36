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
import argparse, glob, os, signal, subprocess, sys, tempfile, time, zipfile

from benchlib import PEERS, ROOT, ensure_packages, print_held, print_ratio, sh, start_kamailio, start_pushgate, sweep, warm_up, write_config

SCENARIO = os.path.join(PEERS, "reg_auth.xml")
WEB_XML = """<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="http://java.sun.com/xml/ns/javaee" version="3.0" metadata-complete="true"/>
"""


def build_archive(work):
    """Compiles bench/ceiling against the runtime's container jars into WORK/deploy/ceiling.sar."""
    lib = os.path.join(ROOT, "runtime", "target", "lib")
    if not os.path.isdir(lib):
        sh(["mvn", "-q", "-B", "-DskipTests", "-pl", "app,runtime", "-am", "package"], cwd=ROOT)
    classes = os.path.join(work, "classes")
    sources = glob.glob(os.path.join(ROOT, "bench", "ceiling", "ceiling", "*.java"))
    sh(["javac", "--release", "17", "-d", classes, "-cp", os.path.join(lib, "*")] + sources)
    deploy = os.path.join(work, "deploy")
    os.makedirs(deploy)
    with zipfile.ZipFile(os.path.join(deploy, "ceiling.sar"), "w") as sar:
        sar.writestr("WEB-INF/web.xml", WEB_XML)
        for path in glob.glob(os.path.join(classes, "ceiling", "*.class")):
            sar.write(path, "WEB-INF/classes/ceiling/" + os.path.basename(path))
    return deploy


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
    deploy = build_archive(work)

    port, k_port, http_port = 5080, 5070, 18080
    cfg = write_config(work, port, http_port, f"[server]\ndeploy-dir = {deploy}\n")
    print(f"REGISTER with digest auth: the container alone vs Kamailio, {a.duration} s per rate, {a.users} users, "
          f"loopback UDP, {os.cpu_count()} cores")
    best = {}
    for mode in modes:
        # a fresh Kamailio for each sweep: one that a collapsed proxy sweep flooded answered nothing after it
        kam = start_kamailio(k_port) if mode in ("proxy", "kamailio") else None
        if mode == "kamailio":
            best[mode] = sweep(mode, k_port, rates, a.duration, users_csv, work, SCENARIO)
        else:
            opts = f"-Dceiling.mode={mode} -Dceiling.backend=127.0.0.1:{k_port} " + os.environ.get("PUSHGATE_JAVA_OPTS", "")
            server, _ = start_pushgate(cfg, os.path.join(work, f"ceiling-{mode}.log"), java_opts=opts)
            warm_up(port, users_csv, work, SCENARIO)  # not counted
            best[mode] = sweep(mode, port, rates, a.duration, users_csv, work, SCENARIO)
            server.send_signal(signal.SIGTERM)
            server.wait(60)
        if kam:
            kam.send_signal(signal.SIGTERM)
            kam.wait(30)

    print()
    print_held("path", [(mode, best.get(mode)) for mode in modes])
    if best.get("kamailio"):
        for mode in ("answer", "proxy"):
            if best.get(mode):
                print_ratio(f"ceiling ratio {mode}/kamailio", best[mode][0], best["kamailio"][0], rates)


if __name__ == "__main__":
    main()
