#!/usr/bin/env python3
"""Soak: a long run at half the held REGISTER rate plus calls to a push-capable device, and whether
the server's resources stay flat.

The registrar role with digest auth and its H2 database. Three loads at once for --minutes:
- sipp REGISTERs (401, then 200) from --users users at --register-rate (default 1500/s, half the
  3000/s bench/register-auth.py held in its full runs of 2026-12-06 on this machine);
- sipp calls at --call-rate to user uas (a sipp UAS, registered for 7200 s, so --minutes stays
  under 110), which answers; the caller hangs up after --call-seconds;
- pushes: the first --push-users users also register a device with webhook push parameters for
  90 s, at --push-rate, each again after push-users/push-rate seconds; [wake-up] pushes every such
  device from 60 s before its expiry until it registers again or expires. The webhook's POSTs go
  to a sink in this script, which counts them.

Before the loads start (after one registration per user and a warm-up) it reads the server's heap
after a full GC, its threads, its open files and the database's size on disk; the same without
GC every --sample seconds, and after the loads end (and the stack's transactions have expired).
The collector's log (gc.log), a thread dump per sample (threads-MINUTE.txt) and a class histogram
of the live heap at the baseline and the end (histogram-baseline.txt, histogram-end.txt; the
classes that grew most are printed) are kept in the work directory. They must stay flat: the
verdict line says whether each did, by the bounds printed beside it. The live heap (the
histograms' total) and the database are compared from a baseline taken under load, a quarter
into the run and at least a nonce lifetime (300 s) and a minute in: the digest replay table holds
every nonce used within its lifetime (rate times lifetime, about 60 MiB at 1500/s), and H2 keeps
the pages a commit replaced for its retention time (45 s), so both first grow to a working size
set by the rate, then must stop. H2's own figures (chunks, their fill rate, file size) are printed
at the baseline and the end.

usage: bench/soak.py [--minutes 60] [--register-rate 1500] [--call-rate 20] [--users 20000]
Needs: sip-tester, a built Pushgate. Targets only 127.0.0.1.
"""
import argparse, glob, http.server, os, signal, subprocess, sys, tempfile, threading, time

from benchlib import PEERS, ROOT, ensure_packages, heap_used, register_uas, sh, start_pushgate, warm_up, write_config

PG_PORT, UAS_PORT, HTTP_PORT, SINK_PORT = 5096, 5091, 18096, 18097


class PushSink(http.server.BaseHTTPRequestHandler):
    """The operator's push backend: counts the webhook's POSTs and answers 200."""
    received = 0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        PushSink.received += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def sample(pid, work, with_gc):
    """(heap bytes after GC or None, threads, open files, database bytes, resident bytes)."""
    status = open(f"/proc/{pid}/status").read()
    threads = int(status.split("Threads:")[1].split()[0])
    rss = int(status.split("VmRSS:")[1].split()[0]) * 1024
    files = len(os.listdir(f"/proc/{pid}/fd"))
    db = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(os.path.join(work, "db")) for f in fs)
    return (heap_used(pid) if with_gc else None), threads, files, db, rss


def class_histogram(pid, path):
    """The live objects by class (a full collection first), kept at PATH: ({class: bytes}, total live bytes).
    Under load this is the live heap; the heap's "used" read after a GC also counts what was allocated since."""
    out = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], capture_output=True, text=True).stdout
    with open(path, "w") as f:
        f.write(out)
    sizes, total = {}, 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0].endswith(":") and parts[2].isdigit():
            sizes[parts[3]] = int(parts[2])
        elif len(parts) == 3 and parts[0] == "Total" and parts[2].isdigit():
            total = int(parts[2])
    return sizes, total


def h2_info(work):
    """H2's own figures of the running store (over its AUTO_SERVER port): {name: value}."""
    jars = sorted(glob.glob(os.path.expanduser("~/.m2/repository/com/h2database/h2/*/h2-*.jar")))
    if not jars:
        return {}
    url = f"jdbc:h2:file:{work}/db/pushgate;AUTO_SERVER=TRUE"
    out = subprocess.run(["java", "-cp", jars[-1], "org.h2.tools.Shell", "-url", url, "-user", "pushgate", "-password", "",
                          "-sql", "select setting_name, setting_value from information_schema.settings where setting_name in "
                                  "('info.CHUNK_COUNT', 'info.CHUNKS_FILL_RATE', 'info.FILE_SIZE', 'info.PAGE_COUNT_LIVE', 'info.FILE_WRITE_BYTES')"],
                         capture_output=True, text=True, timeout=60).stdout
    return {k.strip()[5:]: v.strip() for k, v in (line.split("|", 1) for line in out.splitlines() if line.startswith("info."))}


def sipp_load(scenario, users_csv, rate, seconds, workdir, name, extra=()):
    """A background sipp at a fixed rate for `seconds`; its statistics go to WORKDIR/NAME.csv."""
    return subprocess.Popen(["sipp", f"127.0.0.1:{PG_PORT}", "-sf", scenario, "-inf", users_csv, "-i", "127.0.0.1", "-p", "0",
                             "-m", str(rate * seconds), "-r", str(rate), "-rp", "1000", "-l", str(max(1000, rate * 4)),
                             "-trace_stat", "-stf", os.path.join(workdir, name + ".csv"), "-fd", "10", "-nostdin",
                             "-timeout", f"{seconds + 120}s", "-timeout_error", "-recv_timeout", "10000", "-buff_size", "4194304", *extra],
                            cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sipp_totals(workdir, name):
    import csv
    with open(os.path.join(workdir, name + ".csv")) as f:
        last = list(csv.DictReader(f, delimiter=";"))[-1]
    return int(last["SuccessfulCall(C)"]), int(last["FailedCall(C)"]), int(last["Retransmissions(C)"])


def mib(n):
    return f"{n / 1048576:8.1f} MiB"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--register-rate", type=int, default=1500)
    ap.add_argument("--call-rate", type=int, default=20)
    ap.add_argument("--call-seconds", type=int, default=2)
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--push-users", type=int, default=3000)
    ap.add_argument("--push-rate", type=int, default=20)
    ap.add_argument("--sample", type=int, default=60, help="seconds between samples during the run")
    ap.add_argument("--h2-options", default="", help="appended to the H2 URL, e.g. ;RETENTION_TIME=1000")
    a = ap.parse_args()
    if a.minutes > 110:
        ap.error("--minutes must stay under the UAS registration's 7200 s")
    ensure_packages()
    seconds = int(a.minutes * 60)
    work = tempfile.mkdtemp(prefix="pushgate-soak-")
    sh([sys.executable, os.path.join(PEERS, "users.py"), str(a.users), work])
    users_auth = os.path.join(work, "users_auth.csv")
    secret = os.path.join(work, "webhook.key")
    with open(secret, "w") as f:
        f.write("soak-webhook-hmac-key-0123456789\n")
    os.chmod(secret, 0o600)
    cfg = write_config(work, PG_PORT, HTTP_PORT, f"""pool-size = 16
[domain]
names = 127.0.0.1 localhost
[auth]
max-failures = 1000000
trusted-peers = 127.0.0.1
[push-webhook]
url = http://127.0.0.1:{SINK_PORT}/push
secret-file = {secret}
[wake-up]
before = 60
devices = all
""", h2_options=a.h2_options)
    push_users = os.path.join(work, "push_users.csv")
    with open(users_auth) as src, open(push_users, "w") as dst:
        dst.writelines(src.readlines()[:a.push_users + 1])
    push_scenario = os.path.join(work, "reg_push.xml")
    with open(os.path.join(ROOT, "bench", "reg_push.xml")) as src, open(push_scenario, "w") as dst:
        dst.write(src.read().replace("pn-provider=fcm;pn-prid=tok-[field0];pn-param=bench-project", "pn-provider=webhook;pn-prid=tok-[field0]")
                  .replace("Expires: 3600", "Expires: 90"))
    pushgate = os.path.join(ROOT, "bin", "pushgate")
    sh([pushgate, "subscriber", "import", os.path.join(work, "users.csv"), "--config", cfg], stdout=subprocess.DEVNULL)
    sh([pushgate, "subscriber", "add", "uas", "--config", cfg], input=b"pw-uas\n", stdout=subprocess.DEVNULL)

    sink = http.server.ThreadingHTTPServer(("127.0.0.1", SINK_PORT), PushSink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    # what is needed to explain a change in the middle of a long run: the collector's log, and a thread dump per sample
    java_opts = os.environ.get("PUSHGATE_JAVA_OPTS", "") + f" -Xlog:gc*,safepoint:file={work}/gc.log:time,uptime"
    server, pid = start_pushgate(cfg, os.path.join(work, "pushgate.log"), java_opts.strip())
    uas = None
    try:
        register_uas(PG_PORT, UAS_PORT, work)
        uas = subprocess.Popen(["sipp", "-sf", os.path.join(PEERS, "uas.xml"), "-i", "127.0.0.1", "-p", str(UAS_PORT), "-nostdin"],
                               cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        callers = os.path.join(work, "callers.csv")
        with open(callers, "w") as f:
            f.write("SEQUENTIAL\ncaller;x\n")
        # one binding per user, then the JIT's warm-up, so that the first sample is the steady state
        fill_rate = 1000
        sipp_load(os.path.join(PEERS, "reg_auth.xml"), users_auth, fill_rate, max(1, a.users // fill_rate), work, "fill").wait()
        warm_up(PG_PORT, callers, work, os.path.join(PEERS, "uac.xml"))
        time.sleep(40)  # the stack's transactions of the warm-up expire (Timer J, 32 s)
        pushes_before = PushSink.received
        start = sample(pid, work, True)
        print(f"Soak: {a.minutes:g} min, {a.register_rate} REGISTER/s over {a.users} users, {a.call_rate} calls/s, "
              f"{a.push_rate} push-device REGISTER/s over {a.push_users} users, "
              f"{os.cpu_count()} cores, work {work}", flush=True)
        print(f"{'minute':>6s} {'threads':>8s} {'files':>6s} {'database':>12s} {'resident':>12s}", flush=True)

        regs = sipp_load(os.path.join(PEERS, "reg_auth.xml"), users_auth, a.register_rate, seconds, work, "registers")
        calls = sipp_load(os.path.join(PEERS, "uac.xml"), callers, a.call_rate, seconds, work, "calls", ("-d", str(a.call_seconds * 1000)))
        devices = sipp_load(push_scenario, push_users, a.push_rate, seconds, work, "devices")
        began = time.time()
        baseline_at = max(seconds / 4, 360)
        baseline_db = None  # the database's size once it reached its working size (above); the live heap's beside it
        while regs.poll() is None or calls.poll() is None or devices.poll() is None:
            time.sleep(a.sample)
            _, threads, files, db, rss = sample(pid, work, False)
            with open(os.path.join(work, f"threads-{(time.time() - began) / 60:05.1f}.txt"), "w") as dump:
                subprocess.run(["jstack", str(pid)], stdout=dump, stderr=subprocess.DEVNULL)
            print(f"{(time.time() - began) / 60:6.1f} {threads:8d} {files:6d} {mib(db):>12s} {mib(rss):>12s}", flush=True)
            if baseline_db is None and time.time() - began >= baseline_at:
                baseline_db = db
                classes_start, live_start = class_histogram(pid, os.path.join(work, "histogram-baseline.txt"))
                print(f"baseline: live heap {mib(live_start).strip()}, H2 {h2_info(work)}", flush=True)
        time.sleep(40)
        end = sample(pid, work, False)
        classes_end, live_end = class_histogram(pid, os.path.join(work, "histogram-end.txt"))
        print(f"end: H2 {h2_info(work)}", flush=True)
        if baseline_db is None:
            sys.exit(f"the run ended before its baseline ({baseline_at:.0f} s in): use --minutes 8 or more")

        r_ok, r_failed, r_retrans = sipp_totals(work, "registers")
        c_ok, c_failed, c_retrans = sipp_totals(work, "calls")
        d_ok, d_failed, d_retrans = sipp_totals(work, "devices")
        pushes = PushSink.received - pushes_before
        print()
        print(f"registers: {r_ok} ok, {r_failed} failed, {r_retrans} retransmissions")
        print(f"calls:     {c_ok} ok, {c_failed} failed, {c_retrans} retransmissions")
        print(f"devices:   {d_ok} push-device registrations ok, {d_failed} failed, {d_retrans} retransmissions; "
              f"{pushes} wake-up pushes received by the webhook sink")
        print(f"{'':10s} {'start':>12s} {'end':>12s}  bound (heap and database from the baseline, {baseline_at / 60:.1f} min in; "
              f"idle, after a full GC, {mib(start[0]).strip()} and {mib(start[3]).strip()})")
        rows = (("live heap", live_start, live_end, live_start * 1.10 + 16 * 1048576, mib),
                ("threads", start[1], end[1], start[1] + 10, str),
                ("files", start[2], end[2], start[2] + 20, str),
                ("database", baseline_db, end[3], baseline_db * 1.25 + 16 * 1048576, mib))
        flat = True
        for name, s, e, bound, fmt in rows:
            ok = e <= bound
            flat &= ok
            print(f"{name:10s} {fmt(s):>12s} {fmt(e):>12s}  <= {fmt(int(bound)).strip()} {'ok' if ok else 'GREW'}")
        print("verdict: " + ("flat" if flat else "NOT flat"))
        # what the heap's growth is made of (both histograms stay in the work directory)
        grown = sorted(((classes_end.get(c, 0) - classes_start.get(c, 0), c) for c in set(classes_start) | set(classes_end)), reverse=True)
        print("live bytes grown most, by class: " + ", ".join(f"{c} {mib(d).strip()}" for d, c in grown[:8] if d > 0))
    finally:
        if uas:
            uas.terminate()
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        sink.shutdown()


if __name__ == "__main__":
    main()
