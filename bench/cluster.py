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
import argparse, glob, os, shutil, signal, subprocess, sys, tempfile, time

from benchlib import PEERS, ROOT, run_sipp, sh, start_pushgate, warm_up

SCENARIO = os.path.join(PEERS, "reg_auth.xml")
TICK = os.sysconf("SC_CLK_TCK")


def ensure_packages():
    missing = [pkg for cmd, pkg in (("sipp", "sip-tester"), ("kamailio", "kamailio")) if not shutil.which(cmd)]
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        missing.append("postgresql")
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        sh(sudo + ["apt-get", "update", "-q"])
        sh(sudo + ["apt-get", "install", "-y", "-q"] + missing, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


class Postgres:
    """A throw-away PostgreSQL in a temporary directory, run as the postgres user (it refuses root)."""

    def __init__(self, port):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        # its own directory under /tmp: the postgres user cannot enter the bench's (mode 0700)
        self.dir, self.port = tempfile.mkdtemp(prefix="pushgate-cluster-pg-"), port
        sh(["chown", "-R", "postgres:postgres", self.dir])
        self.as_postgres("initdb", "-D", self.dir + "/data", "-U", "pushgate", "--auth=trust", "-E", "UTF8")
        self.as_postgres("pg_ctl", "-D", self.dir + "/data", "-l", self.dir + "/log", "-w", "-o",
                         f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={self.dir} -c max_connections=200", "start")
        self.as_postgres("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "pushgate", "pushgate")

    def as_postgres(self, tool, *args):
        sh(["runuser", "-u", "postgres", "--", os.path.join(self.bin, tool)] + list(args), stdout=subprocess.DEVNULL, cwd="/tmp")

    def url(self):
        return f"jdbc:postgresql://127.0.0.1:{self.port}/pushgate"

    def commits(self):
        """Transactions committed (reads included) and WAL flushes to disk (what writing costs the disk)."""
        out = subprocess.run(["runuser", "-u", "postgres", "--", os.path.join(self.bin, "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                              "-U", "pushgate", "-At", "-F", " ", "-c",
                              "select (select xact_commit from pg_stat_database where datname = 'pushgate'), wal_sync from pg_stat_wal"],
                             capture_output=True, text=True, cwd="/tmp").stdout.split()
        return (int(out[0]), int(out[1])) if len(out) == 2 else (0, 0)

    def pids(self):
        """The server's processes: those working in its data directory."""
        ours = []
        for p in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.readlink(f"/proc/{p}/cwd").startswith(self.dir):
                    ours.append(int(p))
            except OSError:
                pass
        return ours

    def stop(self):
        self.as_postgres("pg_ctl", "-D", self.dir + "/data", "-w", "-m", "fast", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def cpu_seconds(pids):
    """utime+stime of the processes, their waited-for children included, in seconds."""
    total = 0
    for pid in pids:
        try:
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in f[11:15])
        except OSError:
            pass
    return total / TICK


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


def kamailio_pids(kam):
    children = subprocess.run(["pgrep", "-P", str(kam.pid)], capture_output=True, text=True).stdout.split()
    return [kam.pid] + [int(p) for p in children]


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
    ensure_packages()
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
