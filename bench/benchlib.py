"""Shared parts of the benchmarks: packages, sipp runs at a fixed rate, rate sweeps, Pushgate start-up, heap use.
Every run targets 127.0.0.1 only."""
import csv, glob, os, re, shutil, signal, subprocess, sys, tempfile, time, zipfile

import profiler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(os.path.dirname(ROOT), "shared", "bench-peers")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def ensure_packages(postgres=False):
    """Installs the peers the benchmarks run (PostgreSQL's server too when asked) where missing."""
    missing = [pkg for cmd, pkg in (("sipp", "sip-tester"), ("kamailio", "kamailio"), ("openssl", "openssl")) if not shutil.which(cmd)]
    if postgres and not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        missing.append("postgresql")
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        sh(sudo + ["apt-get", "update", "-q"])
        sh(sudo + ["apt-get", "install", "-y", "-q"] + missing, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


TICK = os.sysconf("SC_CLK_TCK")


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


def written_bytes(pids):
    """Bytes the processes sent to the storage layer (/proc/PID/io write_bytes): what writing costs the disk."""
    total = 0
    for pid in pids:
        try:
            total += int(open(f"/proc/{pid}/io").read().split("write_bytes:")[1].split()[0])
        except (OSError, IndexError):
            pass
    return total


def percentile(ordered, q):
    """The q-quantile (0..1) of an ascending list; nan when it is empty."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run_sipp(port, rate, duration, users_csv, workdir, scenario):
    """One sipp run at a fixed rate; returns (ok, failed, retrans, calls, p50, p99)."""
    d = tempfile.mkdtemp(dir=workdir, prefix=f"sipp-{port}-{rate}-")
    total = rate * duration
    cmd = ["sipp", f"127.0.0.1:{port}", "-sf", scenario, "-inf", users_csv, "-i", "127.0.0.1", "-p", "0",
           "-m", str(total), "-r", str(rate), "-rp", "1000", "-l", str(max(1000, rate * 2)),
           "-trace_stat", "-stf", os.path.join(d, "stat.csv"), "-fd", "1",
           "-trace_rtt", "-rtt_freq", str(total), "-trace_err", "-nostdin", "-timeout", f"{duration + 40}s", "-timeout_error",
           "-recv_timeout", "10000", "-buff_size", "4194304"]
    # -rtt_freq total: sipp writes the response times once, after the last call. Written every 1000
    # values, each write stalled sipp's single loop long enough to show as clusters of 40 ms+ answers
    # every 0.55-0.6 s on a loaded machine (docs/benchmarks.md, 2026-12-07). sipp never writes a
    # partial batch, so a step with failed calls has no response times (it is not held anyway).
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
    return ok == total and failed == 0 and retrans == 0, failed, retrans, ok, percentile(rtts, 0.50), percentile(rtts, 0.99)


def warm_up(port, users_csv, workdir, scenario):
    """Low rates first: the JIT compiles the container's paths for about a minute, and a cold
    server at full rate builds a backlog it carries into the measured runs."""
    for rate, seconds in ((100, 30), (200, 20)):
        run_sipp(port, rate, seconds, users_csv, workdir, scenario)


def sweep(name, port, rates, duration, users_csv, workdir, scenario, profile_pid=None, results=None, cpu_pids=None):
    """Rates in order until one is not held; returns (rate, p50, p99) of the highest held, and
    puts (p50, p99) of each held rate in the dict results when one is given. With
    profile_pid, that JVM is CPU-profiled at each rate and the profile of the highest held rate
    summarised (bench/profiler.py; the stacks stay in WORKDIR/profile-NAME-RATE.collapsed). With
    cpu_pids (a function giving process ids), each rate also prints their CPU time and the bytes
    they wrote to disk per successful call, from the kernel's counters: less noisy than the held
    rate for comparing two builds."""
    best, profiles = None, {}
    for rate in rates:
        handle = profiler.start(profile_pid, workdir) if profile_pid else None
        pids = cpu_pids() if cpu_pids else []
        cpu_before, written_before = cpu_seconds(pids), written_bytes(pids)
        held, failed, retrans, ok, p50, p99 = run_sipp(port, rate, duration, users_csv, workdir, scenario)
        pids = cpu_pids() if cpu_pids else []  # asked again: processes may have come or gone
        cpu = (f"  CPU {(cpu_seconds(pids) - cpu_before) * 1000 / max(ok, 1):.3f} ms/call"
               f"  disk {(written_bytes(pids) - written_before) / 1024 / max(ok, 1):.1f} KB/call") if cpu_pids else ""
        if handle:
            profiles[rate] = profiler.stop(handle, os.path.join(workdir, f"profile-{name}-{rate}.collapsed"))
        print(f"  {name:9s} {rate:6d}/s  ok={ok:8d} failed={failed:6d} retrans={retrans:6d}  p50={p50:7.2f} ms  p99={p99:7.2f} ms{cpu}  {'held' if held else 'NOT held'}", flush=True)
        if not held:
            break
        best = (rate, p50, p99)
        if results is not None:
            results[rate] = (p50, p99)
        time.sleep(3)
    if best and best[0] in profiles and os.path.exists(profiles[best[0]]):
        print(f"  CPU profile of {name} at {best[0]}/s ({profiles[best[0]]}):")
        for line in profiler.summary(profiles[best[0]]):
            print("    " + line)
    elif profile_pid:
        print(f"  no CPU profile of {name} at its highest held rate")
    return best


def heap_used(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL)
    time.sleep(2)
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    # G1 prints "used 123456K" once, ZGC "used 120M", the throughput collector one per generation;
    # Metaspace follows the heap
    heap = out.split("Metaspace")[0]
    return sum(int(n) * (1024 if unit == "K" else 1024 * 1024) for n, unit in re.findall(r"used (\d+)([KM])", heap))


def waiting_caller(callee, media_port, final_status):
    """sipp scenario of a caller to the push application server: INVITE with a PCMU offer whose
    media goes to media_port, 183 with early media, then final_status, acknowledged."""
    return """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="waiting-caller">
  <send retrans="500"><![CDATA[
INVITE sip:%(callee)s@127.0.0.1 SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:caller@127.0.0.1>;tag=[pid]c[call_number]
To: <sip:%(callee)s@127.0.0.1>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:caller@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o=caller 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio %(port)d RTP/AVP 0
a=rtpmap:0 PCMU/8000
]]></send>
  <recv response="100" optional="true"/>
  <recv response="183"/>
  <recv response="%(final)d"/>
  <send><![CDATA[
ACK sip:%(callee)s@127.0.0.1 SIP/2.0
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0
]]></send>
</scenario>
""" % {"callee": callee, "port": media_port, "final": final_status}


# Kamailio's yardstick registers without a challenge; Pushgate challenges every REGISTER (a
# trusted peer is not trusted to register users).
_REGISTER_UAS = """REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:uas@[remote_ip]>;tag=[pid]u[call_number]
To: <sip:uas@[remote_ip]>
Call-ID: [call_id]
CSeq: %d REGISTER
Contact: <sip:uas@127.0.0.1:%d;transport=[transport]%s>
Expires: 7200
%sContent-Length: 0
"""
_REG_UAS = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="reg_uas">
  <send retrans="500"><![CDATA[%s]]></send>
  <recv response="200" optional="true" next="done"/>
  <recv response="401" auth="true"/>
  <send retrans="500"><![CDATA[%s]]></send>
  <recv response="200"/>
  <label id="done"/>
</scenario>
"""


def register_uas(proxy_port, uas_port, workdir, contact_params=""):
    """Registers user uas (password pw-uas) at the proxy from the UAS's own port (a registrar keeps
    the observed source address for NAT), for 7200 s; contact_params go into its Contact URI."""
    reg = os.path.join(workdir, "reg_uas.xml")
    with open(reg, "w") as f:
        f.write(_REG_UAS % (_REGISTER_UAS % (1, uas_port, contact_params, ""),
                            _REGISTER_UAS % (2, uas_port, contact_params, "[authentication username=uas password=pw-uas]\n")))
    sh(["sipp", f"127.0.0.1:{proxy_port}", "-sf", reg, "-i", "127.0.0.1", "-p", str(uas_port), "-m", "1",
        "-nostdin", "-timeout", "10s", "-timeout_error"], cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# The options of the shipped H2 URL ([database] url in store/DatabaseSettings), so that a benchmark
# measures what an operator gets.
H2_DEFAULT_OPTIONS = {"WRITE_DELAY": "0", "CACHE_SIZE": "1024"}


def h2_url_options(extra=""):
    """The shipped URL's options, each unless extra (";NAME=VALUE...") sets it by name, then extra."""
    named = {p.split("=")[0].strip().upper() for p in extra.split(";") if p.strip()}
    return "".join(f";{k}={v}" for k, v in H2_DEFAULT_OPTIONS.items() if k not in named) + extra


def extra_settings(pairs):
    """--set SECTION.KEY=VALUE pairs as configuration text, one section heading per setting."""
    out = ""
    for pair in pairs:
        name, _, value = pair.partition("=")
        section, _, key = name.partition(".")
        out += f"[{section}]\n{key} = {value}\n"
    return out


def write_config(work, sip_port, http_port, extra, pause_goal_ms=0, sip_threads=64, db_url=None, h2_options=""):
    """Writes WORK/pushgate.ini: loopback listeners, no management listener, quiet logging, the database
    at db_url (default H2 under WORK with the shipped URL's options except those h2_options sets, h2_options appended to its URL;
    [database] last, so that `extra` may start with more of its keys), then the bench's own sections."""
    cfg = os.path.join(work, "pushgate.ini")
    with open(cfg, "w") as f:
        f.write(f"""[server]
udp-port = {sip_port}
tcp-port = {sip_port}
http-port = {http_port}
work-dir = {work}/container
log-level = warn
sip-threads = {sip_threads}
pause-goal-ms = {pause_goal_ms}
[management]
port = 0
[database]
url = {db_url or f"jdbc:h2:file:{work}/db/pushgate;AUTO_SERVER=TRUE{h2_url_options(h2_options)}"}
""" + extra)
    return cfg


def push_server_config(work, as_port, http_port, proxy_port, calls, wait):
    """A push application server on 127.0.0.2 behind the proxy on proxy_port that takes calls straight
    from 127.0.0.1, with room for `calls` waiting calls of up to `wait` seconds and their media ports."""
    return write_config(work, as_port, http_port, f"""[server]
sip-address = 127.0.0.2
role = push-server
[push-server]
proxy = 127.0.0.1:{proxy_port}
accept-from = 127.0.0.1
wait-timeout = {wait}
max-calls = {calls + 100}
rtp-ports = 40000-{40000 + 2 * calls + 200}
""")


def start_pushgate(cfg, log_path, java_opts=None):
    """Starts bin/pushgate run --config cfg and waits until it is ready; returns (process, java pid).
    java_opts replaces PUSHGATE_JAVA_OPTS for this server (e.g. another collector)."""
    env = dict(os.environ, PUSHGATE_HEAP=os.environ.get("PUSHGATE_HEAP", "2g"))
    if java_opts is not None:
        env["PUSHGATE_JAVA_OPTS"] = java_opts
    server = subprocess.Popen([os.path.join(ROOT, "bin", "pushgate"), "run", "--config", cfg],
                              stdout=open(log_path, "w"), stderr=subprocess.STDOUT, env=env)
    for _ in range(600):
        if "Pushgate ready" in open(log_path, errors="replace").read():
            break
        time.sleep(0.2)
    java_pid = int(subprocess.run(["pgrep", "-n", "-f", "io.pushgate.runtime.Launcher run --config " + cfg],
                                  capture_output=True, text=True).stdout.split()[0])
    return server, java_pid


# The server's collector: "auto" leaves the choice to bin/pushgate ([server] collector: ZGC for
# the push application server, G1 otherwise; docs/tuning.md); the others force one.
COLLECTORS = {"auto": None, "g1": "-XX:+UseG1GC", "zgc": "-XX:+UseZGC", "parallel": "-XX:+UseParallelGC"}


def add_collector_option(parser):
    parser.add_argument("--collector", choices=sorted(COLLECTORS), default="auto",
                        help="collector of the server under test (default: auto, as bin/pushgate picks it)")


def add_pause_goal_option(parser):
    parser.add_argument("--pause-goal", type=int, default=0,
                        help="[server] pause-goal-ms of the server under test (default 0: G1's own goal)")


def start_kamailio(port):
    """The benchmark peer of ../shared/bench-peers (its kamailio.cfg, with digest auth on REGISTER), started
    as its kamailio-peer script does but with 1 GB of shared memory: with the default 64 MB its in-memory
    location table is full at about 55,000 bindings, and it answers every REGISTER after that with 500
    (usrloc_record_new failed), which these benchmarks had counted as its rate limit."""
    kam = subprocess.Popen(["kamailio", "-f", os.path.join(PEERS, "kamailio.cfg"), "-A", "NO_DEFAULT_LISTEN", "-A", "WITH_AUTH",
                            "-l", f"udp:127.0.0.1:{port}", "-l", f"tcp:127.0.0.1:{port}", "-m", "1024", "-DD", "-E", "-w", "/tmp"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    return kam


def kamailio_pids(kam):
    """Kamailio's main process and the workers it forked."""
    children = subprocess.run(["pgrep", "-P", str(kam.pid)], capture_output=True, text=True).stdout.split()
    return [kam.pid] + [int(p) for p in children]


def print_held(title, rows):
    """Prints the (name, best) pairs of sweep(): the highest rate held and p50/p99 there, or none."""
    print(f"{title:10s} {'held rate':>10s} {'p50 ms':>8s} {'p99 ms':>8s}")
    for name, best in rows:
        print(f"{name:10s} " + (f"{best[0]:>8d}/s {best[1]:8.2f} {best[2]:8.2f}" if best else f"{'none':>10s}"))


def print_half_rate_p99(name, results, held):
    """Issue 26's latency target is the p99 at half the held rate: prints it at the highest rate of
    results (sweep()'s dict) at or below held / 2."""
    half = max((r for r in results if r <= held / 2), default=None)
    print(f"{name} p99 at {half}/s (half its held rate or below): {results[half][1]:.2f} ms" if half
          else f"{name}: no rate at or below half the held rate was tried")


def print_ratio(label, ours, theirs, rates):
    """Prints ours/theirs held rates. When theirs held every rate tried it was not at its limit, and
    the ratio is only an upper bound."""
    ratio = ours / theirs
    if theirs == max(rates):
        print(f"{label}: at most {ratio:.2f} (the reference held every rate tried; add higher rates to find its limit)")
    else:
        print(f"{label}: {ratio:.2f}")


CEILING_WEB_XML = """<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="http://java.sun.com/xml/ns/javaee" version="3.0" metadata-complete="true"/>
"""


def build_ceiling_archive(work):
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
        sar.writestr("WEB-INF/web.xml", CEILING_WEB_XML)
        for path in glob.glob(os.path.join(classes, "ceiling", "*.class")):
            sar.write(path, "WEB-INF/classes/ceiling/" + os.path.basename(path))
    return deploy


def container_ceiling(mode, rates, duration, users_csv, work, scenario, port=5080, http_port=18080, k_port=5070):
    """The container alone (bench/ceiling on the same launcher, JVM options and stack settings as
    Pushgate) swept at `rates`: mode "answer" challenges and answers every REGISTER itself, "proxy"
    relays it to a fresh Kamailio on k_port. Returns sweep()'s best. The server and Kamailio are
    stopped after; its files go under WORK/ceiling-MODE."""
    cwork = os.path.join(work, f"ceiling-{mode}")
    os.makedirs(cwork)
    deploy = build_ceiling_archive(cwork)
    cfg = write_config(cwork, port, http_port, f"[server]\ndeploy-dir = {deploy}\n")
    # a fresh Kamailio: one that a collapsed proxy sweep flooded answered nothing after it
    kam = start_kamailio(k_port) if mode == "proxy" else None
    opts = f"-Dceiling.mode={mode} -Dceiling.backend=127.0.0.1:{k_port} " + os.environ.get("PUSHGATE_JAVA_OPTS", "")
    server, pid = start_pushgate(cfg, os.path.join(cwork, "ceiling.log"), java_opts=opts)
    try:
        warm_up(port, users_csv, cwork, scenario)  # not counted
        return sweep(f"ceil-{mode}", port, rates, duration, users_csv, cwork, scenario, cpu_pids=lambda: [pid])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        if kam:
            kam.send_signal(signal.SIGTERM)
            kam.wait(30)


class Postgres:
    """A throw-away PostgreSQL in a temporary directory, run as the postgres user (it refuses root)."""

    def __init__(self, port):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        # its own directory under /tmp: the postgres user cannot enter the bench's (mode 0700)
        self.dir, self.port = tempfile.mkdtemp(prefix="pushgate-bench-pg-"), port
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
