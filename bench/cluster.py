#!/usr/bin/env python3
"""Scale-out cost model: what one REGISTER costs each part of a cluster, on this machine.

The same REGISTER sweep (digest auth, one binding per user refreshed, bindings in PostgreSQL)
against three set-ups, each with its own fresh PostgreSQL:
  1. one Pushgate node, sipp straight to it;
  2. one node behind Kamailio's dispatcher (deploy/kamailio-dispatcher.cfg);
  3. two nodes behind the dispatcher.
For each rate it prints whether sipp's statistics show it held (0 failed, 0 retransmissions),
p50/p99, and the CPU each part spent per REGISTER (the 401 and the 200 pair) from the processes'
own counters (/proc/PID/stat utime+stime, children included for Kamailio and PostgreSQL): every
Pushgate JVM, every Kamailio process, every PostgreSQL process; and PostgreSQL's commits per
REGISTER and per second (pg_stat_database). All parts share this machine's cores, so the held rates
say little about a real cluster; the CPU per REGISTER of each part is what docs/scale-out.md
projects from.

usage: bench/cluster.py [--rates 250,500,1000,...] [--duration 20] [--users 20000]
Needs: sip-tester, kamailio, postgresql (installed when missing), a built Pushgate. Targets only 127.0.0.1.
"""
import argparse, os, shutil, signal, subprocess, sys, tempfile, time

from benchlib import PEERS, ROOT, Postgres, cpu_seconds, ensure_packages, kamailio_pids, run_sipp, sh, start_pushgate, warm_up

SCENARIO = os.path.join(PEERS, "reg_auth.xml")


def node_config(work, name, sip_port, http_port, pg_url):
    cfg = os.path.join(work, name + ".ini")
    with open(cfg, "w") as f:
        f.write(f"""[server]
udp-port = {sip_port}
tcp-port = {sip_port}
http-port = {http_port}
work-dir = {work}/{name}
log-level = warn
sip-threads = 64
[management]
port = 0
[database]
url = {pg_url}
user = pushgate
pool-size = 16
[domain]
names = localhost 127.0.0.1
[auth]
max-failures = 1000000
""")
    return cfg


def start_dispatcher(work, port, node_ports, shm_mb):
    nodes = os.path.join(work, "nodes.list")
    with open(nodes, "w") as f:
        f.writelines(f"1 sip:127.0.0.1:{p}\n" for p in node_ports)
    kam = subprocess.Popen(["kamailio", "-f", os.path.join(ROOT, "deploy", "kamailio-dispatcher.cfg"), "-l", f"udp:127.0.0.1:{port}",
                            "-A", f'DISPATCHER_LIST="{nodes}"', "-A", "PROBE_INTERVAL=5", "-m", str(shm_mb), "-DD", "-E", "-w", work],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    return kam


def setup(name, nodes, dispatched, a, work_root, users_file, users_csv):
    """Runs the sweep against one set-up; returns its rows."""
    work = tempfile.mkdtemp(dir=work_root, prefix=name.replace(" ", "-") + "-")
    pg = Postgres(25432)
    servers, pids, ports = [], [], []
    try:
        for i in range(nodes):
            sip, http = 5180 + i, 18180 + i
            cfg = node_config(work, f"node{i}", sip, http, pg.url())
            if i == 0:
                sh([os.path.join(ROOT, "bin", "pushgate"), "subscriber", "import", users_file, "--config", cfg], stdout=subprocess.DEVNULL)
            server, pid = start_pushgate(cfg, os.path.join(work, f"node{i}.log"))
            servers.append(server)
            pids.append(pid)
            ports.append(sip)
        kam = start_dispatcher(work, 5179, ports, a.dispatcher_mb) if dispatched else None
        target = 5179 if dispatched else ports[0]
        warm_up(target, users_csv, work, SCENARIO)
        rows = []
        for rate in a.rates:
            kp = kamailio_pids(kam) if kam else []
            pgp = pg.pids()
            before = (cpu_seconds(pids), cpu_seconds(kp), cpu_seconds(pgp), pg.commits())
            held, failed, retrans, ok, p50, p99 = run_sipp(target, rate, a.duration, users_csv, work, SCENARIO)
            after = (cpu_seconds(pids), cpu_seconds(kp), cpu_seconds(pgp), pg.commits())
            per = [(after[i] - before[i]) * 1000 / max(ok, 1) for i in range(3)]
            commits = after[3][0] - before[3][0]
            syncs = after[3][1] - before[3][1]
            rows.append((rate, held, ok, failed, retrans, p50, p99, per, commits / max(ok, 1), commits / a.duration, syncs / a.duration))
            print(f"  {name:28s} {rate:6d}/s ok={ok:7d} failed={failed:5d} retrans={retrans:6d} p50={p50:7.1f} p99={p99:7.1f} ms"
                  f"  CPU ms/REGISTER: pushgate {per[0]:.3f} kamailio {per[1]:.3f} postgresql {per[2]:.3f}"
                  f"  commits/REGISTER {commits / max(ok, 1):.2f} ({commits / a.duration:.0f}/s), WAL flushes {syncs / a.duration:.0f}/s"
                  f"  {'held' if held else 'NOT held'}", flush=True)
            if not held:
                break
            time.sleep(3)
        if kam:
            kam.send_signal(signal.SIGTERM)
            kam.wait(30)
        return rows
    finally:
        for s in servers:
            s.send_signal(signal.SIGTERM)
            s.wait(60)
        pg.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="250,500,1000,1500,2000,3000,4000")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--dispatcher-mb", type=int, default=512, help="Kamailio's shared memory (-m); with its default 64 MB the dispatcher failed at 500 REGISTER/s")
    ap.add_argument("--setups", default="1,2,3", help="which set-ups to run: 1 one node direct, 2 one behind the dispatcher, 3 two behind it")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs, sipp statistics); by default it is deleted")
    a = ap.parse_args()
    a.rates = [int(r) for r in a.rates.split(",")]
    ensure_packages(postgres=True)
    work = tempfile.mkdtemp(prefix="pushgate-cluster-")
    sh([sys.executable, os.path.join(PEERS, "users.py"), str(a.users), work])
    users_file, users_csv = os.path.join(work, "users.csv"), os.path.join(work, "users_auth.csv")
    print(f"REGISTER with digest auth, bindings in PostgreSQL, {a.duration} s per rate, {a.users} users, loopback UDP, {os.cpu_count()} cores")
    results = []
    setups = (("one node direct", 1, False), ("one node, dispatcher", 1, True), ("two nodes, dispatcher", 2, True))
    for name, nodes, dispatched in (setups[int(i) - 1] for i in a.setups.split(",")):
        results.append((name, setup(name, nodes, dispatched, a, work, users_file, users_csv)))
    print()
    print(f"{'set-up':24s} {'held':>8s} {'p50/p99 ms':>14s}  CPU ms per REGISTER at that rate: pushgate / kamailio / postgresql; commits per REGISTER; WAL flushes/s")
    for name, rows in results:
        held = [r for r in rows if r[1]]
        if not held:
            print(f"{name:24s} {'none':>8s}")
            continue
        r = held[-1]
        print(f"{name:24s} {r[0]:>6d}/s {r[5]:6.1f}/{r[6]:<7.1f}  {r[7][0]:.3f} / {r[7][1]:.3f} / {r[7][2]:.3f}; {r[8]:.2f} ({r[9]:.0f} commits/s); {r[10]:.0f} WAL flushes/s")
    if a.keep:
        print(f"(work directory: {work})")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
