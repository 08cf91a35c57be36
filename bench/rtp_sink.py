#!/usr/bin/env python3
"""Receives the early-media streams of a benchmark on one UDP port and prints one JSON line.

For the packets inside the measuring window it reports the streams seen, the packets lost
(sequence gaps) and the packet-interval jitter |gap - 20 ms| at p50/p99/max, twice:
- "sent": gaps between the kernel's timestamps of the datagrams (SO_TIMESTAMPNS). On loopback the
  kernel stamps a datagram while the sender's send call runs, so this is the sender's pacing.
- "read": gaps between the times this process read them, which adds the sink's own scheduling
  delays on a machine it shares with the server.

usage: bench/rtp_sink.py PORT WARMUP_SECONDS MEASURE_SECONDS
"""
import json, socket, struct, sys, time

from benchlib import percentile

SO_TIMESTAMPNS, SO_RCVBUFFORCE = 35, 33  # Linux; the socket module names neither
FRAME_NS = 20_000_000


def main():
    port, warmup, measure = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)  # root: past rmem_max
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind(("127.0.0.1", port))
    s.settimeout(0.2)
    print(f"rtp sink on {port}, receive buffer {s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}", file=sys.stderr)
    streams = {}  # ssrc -> [last seq, last kernel stamp, last read time, received, lost]
    sent, read = [], []
    start = time.monotonic_ns()
    window_from, until = start + int(warmup * 1e9), start + int((warmup + measure) * 1e9)
    while True:
        now = time.monotonic_ns()
        if now >= until:
            break
        try:
            data, anc, _, _ = s.recvmsg(2048, 64)
        except socket.timeout:
            continue
        if len(data) < 12:
            continue
        stamp = next((sec * 1_000_000_000 + ns for lvl, typ, d in anc if typ == SO_TIMESTAMPNS
                      for sec, ns in [struct.unpack("qq", d[:16])]), now)
        seq, = struct.unpack_from("!H", data, 2)
        ssrc, = struct.unpack_from("!I", data, 8)
        st = streams.get(ssrc)
        if st is None:
            streams[ssrc] = [seq, stamp, now, 0, 0]
            continue
        if now >= window_from:
            gap = (seq - st[0]) & 0xffff
            if 1 < gap < 1000:
                st[4] += gap - 1
            st[3] += 1
            if gap == 1:
                sent.append(abs(stamp - st[1] - FRAME_NS))
                read.append(abs(now - st[2] - FRAME_NS))
        st[0], st[1], st[2] = seq, stamp, now
    sent.sort(), read.sort()
    ms = lambda v: round(v / 1e6, 3)
    figures = {"streams": sum(1 for st in streams.values() if st[3] > 0),
               "received": sum(st[3] for st in streams.values()), "lost": sum(st[4] for st in streams.values())}
    for name, values in (("sent", sent), ("read", read)):
        figures[f"{name}_jitter_p50_ms"] = ms(percentile(values, 0.50)) if values else 0
        figures[f"{name}_jitter_p99_ms"] = ms(percentile(values, 0.99)) if values else 0
        figures[f"{name}_jitter_max_ms"] = ms(values[-1]) if values else 0
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
