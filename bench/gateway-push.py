#!/usr/bin/env python3
"""INVITE-to-push latency and memory of waiting calls, for the push gateway in front of Kamailio.

Devices register through the gateway with FCM push parameters and a contact nobody answers. Calls
go to Kamailio (which routes them to the gateway, as in production) at a fixed rate; an FCM
stand-in in this script takes the pushes. Latency = push received - INVITE sent - push-delay.
Then the heap used by waiting calls: calls with a long call-fork-timeout are held open and the
used heap after GC is compared with the idle server.

usage: bench/gateway-push.py [--rate 200] [--calls 4000] [--repeat 1] [--push-delay 200] [--contexts 20000] [--hold-rate 300]
       [--pause-goal MS] [--collector auto|g1|zgc]
--repeat measures the latency that many times on the same server: its tail moves with the collection
pauses that fall in a run, so one run says little about the next.
Needs: sip-tester, kamailio, openssl, a built Pushgate. Targets only 127.0.0.1.
"""
import argparse, json, os, random, signal, socket, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from benchlib import (COLLECTORS, PEERS, ROOT, add_collector_option, add_pause_goal_option, ensure_packages, heap_used, percentile,
                      run_sipp, sh, start_pushgate, write_config)

K_PORT, GW_PORT, HTTP_PORT = 5070, 5080, 18080
received = {}  # call-id -> time the push arrived
finals = {}  # call-id -> final status seen (a waiting call has none)
final_sample = {}  # status -> one such response, to tell who sent it


class FcmStandIn(BaseHTTPRequestHandler):
    # Keep-alive, as Google's endpoint: with HTTP/1.0 every push opened a connection, bursts overflowed
    # the listen backlog and the dropped SYNs came back a second later, in the latency figure.
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/token":
            self._reply({"access_token": "bench", "expires_in": 3600, "token_type": "Bearer"})
            return
        now = time.time()
        call_id = json.loads(body)["message"]["data"]["call-id"]
        received.setdefault(call_id, now)
        self._reply({"name": "projects/bench-project/messages/1"})

    def _reply(self, obj):
        b = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def log_message(self, *a):
        pass


def service_account(work, token_url):
    key = os.path.join(work, "fcm.key")
    sh(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key],
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    d = os.path.join(work, "fcm")
    os.makedirs(d)
    with open(os.path.join(d, "bench-project.json"), "w") as f:
        json.dump({"type": "service_account", "project_id": "bench-project", "private_key_id": "k",
                   "private_key": open(key).read(), "client_email": "bench@bench-project.iam.gserviceaccount.com",
                   "client_id": "1", "token_uri": token_url}, f)
    return d


def call(sock, user, call_id, port):
    """An INVITE to Kamailio for a registered device, from this script's UDP socket."""
    msg = (f"INVITE sip:{user}@127.0.0.1:{K_PORT} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{random.getrandbits(48):x}\r\n"
           f"Max-Forwards: 70\r\nFrom: <sip:bench@127.0.0.1>;tag={random.getrandbits(32):x}\r\n"
           f"To: <sip:{user}@127.0.0.1:{K_PORT}>\r\nCall-ID: {call_id}\r\nCSeq: 1 INVITE\r\n"
           f"Contact: <sip:bench@127.0.0.1:{port}>\r\nContent-Length: 0\r\n\r\n")
    sock.sendto(msg.encode(), ("127.0.0.1", K_PORT))


def absorb(sock, stop):
    """ACKs final responses (so they are not retransmitted) and drops the rest."""
    sock.settimeout(0.5)
    while not stop.is_set():
        try:
            data, _ = sock.recvfrom(65535)
        except socket.timeout:
            continue
        text = data.decode(errors="replace")
        status = text.split(" ", 2)[1] if text.startswith("SIP/2.0") else ""
        if status.isdigit() and int(status) >= 200:
            hdr = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in text.split("\r\n")[1:] if ":" in l}
            ack = (f"ACK sip:{hdr['to'].split('<')[1].split('>')[0]} SIP/2.0\r\nVia: {hdr['via']}\r\nMax-Forwards: 70\r\n"
                   f"From: {hdr['from']}\r\nTo: {hdr['to']}\r\nCall-ID: {hdr['call-id']}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n")
            sock.sendto(ack.encode(), ("127.0.0.1", K_PORT))
            finals.setdefault(hdr["call-id"], int(status))
            final_sample.setdefault(int(status), text)


def run_calls(n, rate, users, tag):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    stop = threading.Event()
    threading.Thread(target=absorb, args=(sock, stop), daemon=True).start()
    sent = {}
    start = time.time()
    for i in range(n):
        due = start + i / rate
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        cid = f"{tag}-{i}@bench"
        sent[cid] = time.time()
        call(sock, "u%07d" % (i % users), cid, port)
    return sent, stop


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--calls", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=1, help="latency measurements, one after the other")
    ap.add_argument("--push-delay", type=int, default=200)
    ap.add_argument("--contexts", type=int, default=20000)
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--hold-rate", type=int, default=300, help="rate of the calls that only fill memory")
    add_pause_goal_option(ap)
    add_collector_option(ap)
    a = ap.parse_args()
    ensure_packages()
    work = tempfile.mkdtemp(prefix="pushgate-pushbench-")
    sh([sys.executable, os.path.join(PEERS, "users.py"), str(a.users), work])
    ThreadingHTTPServer.request_queue_size = 1024
    http = ThreadingHTTPServer(("127.0.0.1", 0), FcmStandIn)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_address[1]}"
    fcm_dir = service_account(work, base + "/token")
    cfg = write_config(work, GW_PORT, HTTP_PORT, f"""[server]
role = gateway
[gateway]
backend = 127.0.0.1:{K_PORT}
[fork-late]
push-delay = {a.push_delay}
call-fork-timeout = 600
max-contexts = 10000000
[push-fcm]
dir = {fcm_dir}
url = {base}
threads = 4
""", pause_goal_ms=a.pause_goal)
    # The calls must outlive the backend's INVITE timers, so this run uses the test backend with longer
    # ones: fr_inv_timer, and max_inv_lifetime, after which (3 minutes by default) Kamailio answers 408
    # whatever the other timers say.
    cfg_text = open(os.path.join(ROOT, "itest", "src", "test", "resources", "kamailio", "backend.cfg")).read()
    kcfg = os.path.join(work, "backend.cfg")
    open(kcfg, "w").write(cfg_text.replace('modparam("tm", "fr_inv_timer", 60000)',
                                           'modparam("tm", "fr_inv_timer", 900000)\nmodparam("tm", "max_inv_lifetime", 900000)'))
    # 2 GB of shared memory: with the default 64 MB Kamailio itself answers 500 once ~5,000 calls wait.
    kam = subprocess.Popen(["kamailio", "-f", kcfg, "-m", "2048", "-l", f"udp:127.0.0.1:{K_PORT}", "-DD", "-E", "-w", work, "-Y", work],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    server, pid = start_pushgate(cfg, os.path.join(work, "pushgate.log"), COLLECTORS[a.collector])
    run_sipp(GW_PORT, 200, a.users // 200, os.path.join(work, "users_auth.csv"), work, os.path.join(ROOT, "bench", "reg_push.xml"))
    print(f"push gateway: INVITE-to-push latency at {a.rate} calls/s, push-delay {a.push_delay} ms, "
          f"{a.users} sleeping devices, loopback, {os.cpu_count()} cores", flush=True)
    run_calls(min(500, a.calls), a.rate, a.users, "warm")  # JIT warm-up, not counted
    time.sleep(3)
    idle = heap_used(pid)
    absorbers = []  # kept until the end: a measured call may still end, and its final response counts below
    for r in range(a.repeat):
        sent, stop = run_calls(a.calls, a.rate, a.users, f"m{r}")
        absorbers.append(stop)
        time.sleep(a.push_delay / 1000 + 5)
        lat = sorted((received[c] - t) * 1000 - a.push_delay for c, t in sent.items() if c in received)
        missing = len(sent) - len(lat)
        print(f"  run {r + 1}: pushes received {len(lat)}/{len(sent)} (missing {missing}); added latency after the delay: "
              f"p50 {percentile(lat, 0.5):.1f} ms  p99 {percentile(lat, 0.99):.1f} ms  max {lat[-1] if lat else float('nan'):.1f} ms",
              flush=True)

    # Memory: hold more calls open (call-fork-timeout 600 s) and compare with the heap before the calls.
    more = max(0, a.contexts - a.calls * a.repeat - min(500, a.calls))
    if more:
        run_calls(more, a.hold_rate, a.users, "hold")
        time.sleep(5)
    held = heap_used(pid)
    total = a.calls * a.repeat + min(500, a.calls) + more
    ended = len(finals)
    if ended:
        by_status = {st: list(finals.values()).count(st) for st in sorted(set(finals.values()))}
        print(f"  {ended} calls got a final response before the timeout {by_status}; they are not waiting")
        for st, text in sorted(final_sample.items()):
            print(f"  a {st} as received:\n    " + "\n    ".join(text.strip().split("\r\n")))
    waiting = total - ended
    print(f"  heap for {waiting} waiting calls: {(held - idle) / 1024 / 1024:.0f} MiB, "
          f"{(held - idle) / max(waiting, 1) / 1024:.1f} KiB per call (used heap after GC; includes the SIP transactions)")
    for stop in absorbers:
        stop.set()
    server.send_signal(signal.SIGTERM)
    server.wait(60)
    kam.send_signal(signal.SIGTERM)
    kam.wait(30)
    http.shutdown()


if __name__ == "__main__":
    main()
