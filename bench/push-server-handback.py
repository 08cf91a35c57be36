#!/usr/bin/env python3
"""Hand-back latency of the push application server: from the NOTIFY that shows the callee's new
registration to the INVITE leaving the application server for the proxy.

A registrar/proxy (Pushgate) and the push application server (Pushgate on 127.0.0.2) run side by
side. sipp places one waiting call per user straight to the application server (183 and early
media; the server subscribes to each user's registration state at the proxy). Then the users'
devices register, RATE per second; each registration makes the proxy NOTIFY the server, which
sends the call back to the proxy; the device answers 486 so every call ends. Both packets are
timestamped by the kernel on the loopback interface (a raw packet socket in this script), so the
figure is what the server adds between the two, nothing of this script's own scheduling.

There is no Kamailio figure beside it: Kamailio has no application server of this kind.

usage: bench/push-server-handback.py [--calls 500] [--rate 50] [--warm-rounds 3]
Needs: root (raw socket), sip-tester, a built Pushgate. Targets only 127.0.0.1 and 127.0.0.2.
"""
import argparse, ctypes, os, re, socket, struct, subprocess, sys, tempfile, threading, time

from benchlib import ROOT, COLLECTORS, add_collector_option, ensure_packages, percentile, push_server_config, sh, start_pushgate, waiting_caller, write_config

PROXY_PORT, AS_PORT, DEVICE_PORT, SINK_PORT = 5090, 5092, 5094, 39500
SO_TIMESTAMPNS, SO_ATTACH_FILTER = 35, 26  # Linux; the socket module names neither

# the device answers 486, so every handed-back call ends
CALLER = waiting_caller("[field0]", SINK_PORT, 486)

REGISTER_MESSAGE = """
REGISTER sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:[field0]@127.0.0.1>;tag=[pid]r[call_number]
To: <sip:[field0]@127.0.0.1>
Call-ID: [call_id]
CSeq: %d REGISTER
Contact: <sip:[field0]@127.0.0.1:%d>
%sExpires: 600
Content-Length: 0
"""
REGISTER = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="device-wakes">
  <send retrans="500"><![CDATA[%s]]></send>
  <recv response="401" auth="true"/>
  <send retrans="500"><![CDATA[%s]]></send>
  <recv response="200"/>
</scenario>
""" % (REGISTER_MESSAGE % (1, DEVICE_PORT, ""), REGISTER_MESSAGE % (2, DEVICE_PORT, "[field1]\n"))

DEVICE = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="busy-device">
  <recv request="INVITE"/>
  <send><![CDATA[
SIP/2.0 486 Busy Here
[last_Via:]
[last_From:]
[last_To:];tag=[pid]d[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>
  <recv request="ACK"/>
</scenario>
"""


class LoopbackCapture(threading.Thread):
    """Kernel-timestamped SIP packets between the proxy and the application server: for each
    user, the first NOTIFY with an active contact and the first INVITE handed back."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.sock.bind(("lo", 0))
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        # The early media of every waiting call crosses lo too; a kernel filter keeps only UDP
        # between the proxy's and the server's SIP ports, so this script never falls behind.
        program = [(0x28, 0, 0, 12), (0x15, 0, 11, 0x800),  # IPv4
                   (0x30, 0, 0, 23), (0x15, 0, 9, 17),  # UDP
                   (0xB1, 0, 0, 14),  # x = IP header length
                   (0x48, 0, 0, 14), (0x15, 0, 2, PROXY_PORT),  # from the proxy ...
                   (0x48, 0, 0, 16), (0x15, 3, 4, AS_PORT),  # ... to the server
                   (0x15, 0, 3, AS_PORT),  # from the server ...
                   (0x48, 0, 0, 16), (0x15, 0, 1, PROXY_PORT),  # ... to the proxy
                   (0x06, 0, 0, 65535), (0x06, 0, 0, 0)]
        self.filter = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in program))
        self.sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack("HL", len(program), ctypes.addressof(self.filter)))
        self.sock.settimeout(0.5)
        self.notify, self.invite = {}, {}
        self.running = True

    def run(self):
        while self.running:
            try:
                data, anc, _, addr = self.sock.recvmsg(65535, 64)
            except socket.timeout:
                continue
            if addr[2] == socket.PACKET_OUTGOING:
                continue  # loopback shows each packet twice; the incoming copy is enough
            ts = next((struct.unpack("qq", d[:16]) for lvl, typ, d in anc if typ == SO_TIMESTAMPNS), None)
            if ts is None or len(data) < 42 or data[23] != 17:  # IPv4 + UDP only
                continue
            ihl = (data[14] & 0x0F) * 4
            sport, dport = struct.unpack("!HH", data[14 + ihl:18 + ihl])
            payload = data[14 + ihl + 8:].decode("latin-1")
            t = ts[0] + ts[1] / 1e9
            if sport == PROXY_PORT and dport == AS_PORT and payload.startswith("NOTIFY"):
                for user in re.findall(r'<registration aor="sip:([^@"]+)@[^"]*"[^>]*state="active"', payload):
                    self.notify.setdefault(user, t)
            elif sport == AS_PORT and dport == PROXY_PORT and payload.startswith("INVITE sip:"):
                m = re.match(r"INVITE sip:([^@ ;>]+)@", payload)
                if m:
                    self.invite.setdefault(m.group(1), t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=500, help="waiting calls, one per user")
    ap.add_argument("--rate", type=int, default=50, help="device registrations (hand-backs) per second")
    ap.add_argument("--warm-rounds", type=int, default=3,
                    help="rounds of CALLS hand-backs before the measured one (JIT warm-up of both servers)")
    add_collector_option(ap)
    a = ap.parse_args()
    ensure_packages()
    work = tempfile.mkdtemp(prefix="pushgate-bench-handback-")
    # Rounds not counted let the JIT compile the hand-back path, as in servers that have run a while.
    # After one round the proxy still spent half its CPU in the JIT compilers during the measured
    # round, and the compiler threads took the cores the hand-backs waited for (README).
    rounds = {f"warm{r}": [f"w{r}x{i:05d}" for i in range(a.calls)] for r in range(a.warm_rounds)}
    rounds["measured"] = [f"h{i:05d}" for i in range(a.calls)]
    users = rounds["measured"]
    for name, names in rounds.items():
        with open(os.path.join(work, f"{name}.csv"), "w") as f:
            # sipp expands [fieldN] in a message, not inside [authentication ...]: the CSV carries it whole
            f.write("SEQUENTIAL\n" + "".join(f"{u};[authentication username={u} password=pw-{u}]\n" for u in names))
    with open(os.path.join(work, "accounts.txt"), "w") as f:
        f.write("".join(f"{u};pw-{u}\n" for names in rounds.values() for u in names))
    for name, text in (("caller.xml", CALLER), ("register.xml", REGISTER), ("device.xml", DEVICE)):
        with open(os.path.join(work, name), "w") as f:
            f.write(text)

    proxy_dir, as_dir = os.path.join(work, "proxy"), os.path.join(work, "as")
    os.makedirs(proxy_dir), os.makedirs(as_dir)
    # the devices register from sipp's port for the busy device on another: no NAT rewriting
    proxy_cfg = write_config(proxy_dir, PROXY_PORT, 18094, "[auth]\ntrusted-peers = 127.0.0.2\n[registrar]\nnat-rewrite = false\n")
    wait = int(a.calls / 100 + a.calls / a.rate + 60)
    as_cfg = push_server_config(as_dir, AS_PORT, 18096, PROXY_PORT, a.calls, wait)
    sh([os.path.join(ROOT, "bin", "pushgate"), "subscriber", "import", os.path.join(work, "accounts.txt"), "--config", proxy_cfg],
       stdout=subprocess.DEVNULL)
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # takes the early media; never read
    sink.bind(("127.0.0.1", SINK_PORT))
    proxy, _ = start_pushgate(proxy_cfg, os.path.join(proxy_dir, "server.log"))
    server, _ = start_pushgate(as_cfg, os.path.join(as_dir, "server.log"), COLLECTORS[a.collector])
    capture = LoopbackCapture()
    capture.start()
    sipp = lambda scen, target, *extra: subprocess.Popen(
        ["sipp", "-sf", os.path.join(work, scen), "-i", "127.0.0.1", "-nostdin", "-nd", "-timeout", f"{wait + 30}s",
         "-trace_err", "-error_file", os.path.join(work, scen + ".errors")] + list(extra)
        + ([target] if target else []), cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    exits = []
    try:
        for name, names in rounds.items():
            csv = os.path.join(work, f"{name}.csv")
            device = sipp("device.xml", None, "-p", str(DEVICE_PORT), "-m", str(len(names)))
            callers = sipp("caller.xml", f"127.0.0.2:{AS_PORT}", "-inf", csv, "-r", "100", "-m", str(len(names)),
                           "-l", str(len(names) + 10))
            time.sleep(len(names) / 100 + 5)  # every call waiting, every subscription in place
            registering = sipp("register.xml", f"127.0.0.1:{PROXY_PORT}", "-inf", csv, "-r", str(a.rate), "-m", str(len(names)))
            for p in (registering, callers, device):
                p.wait(timeout=wait + 60)
            exits = [callers.returncode, registering.returncode, device.returncode]
            time.sleep(1)
    finally:
        capture.running = False
        for p in (server, proxy):
            p.terminate()
            p.wait(timeout=60)

    gaps = sorted((capture.invite[u] - capture.notify[u]) * 1000 for u in users if u in capture.notify and u in capture.invite)
    print(f"hand-back NOTIFY -> INVITE, {a.calls} waiting calls, {a.rate} registrations/s, loopback UDP, {os.cpu_count()} cores")
    print(f"  measured {len(gaps)} of {a.calls}  (NOTIFY seen {len(capture.notify)}, INVITE seen {len(capture.invite)}); "
          f"sipp exit (callers, registrations, device): {exits}")
    print(f"  p50 {percentile(gaps, 0.5):.2f} ms   p99 {percentile(gaps, 0.99):.2f} ms   max {percentile(gaps, 1.0):.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
