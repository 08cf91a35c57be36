import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Receives the early-media streams of a benchmark on one UDP port and reports, for the packets
 * that arrive inside the measuring window: the streams seen, packets lost (sequence gaps), and the
 * packet-interval jitter |arrival gap - 20 ms| at p50/p99/max.
 *
 * usage: java bench/RtpSink.java PORT WARMUP_SECONDS MEASURE_SECONDS   (prints one JSON line)
 */
public class RtpSink {
    static final class Stream {
        int lastSeq = -1;
        long lastArrival;
        long received;
        long lost;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long warmup = (long) (Double.parseDouble(args[1]) * 1e9);
        long measure = (long) (Double.parseDouble(args[2]) * 1e9);
        Map<Long, Stream> streams = new HashMap<>();
        long[] jitter = new long[1 << 22];
        int n = 0;
        try (DatagramSocket s = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
            s.setReceiveBufferSize(32 << 20);
            System.err.println("rtp sink on " + port + ", receive buffer " + s.getReceiveBufferSize());
            byte[] b = new byte[2048];
            DatagramPacket p = new DatagramPacket(b, b.length);
            long start = System.nanoTime();
            long from = start + warmup, until = from + measure;
            s.setSoTimeout(200);
            while (System.nanoTime() < until) {
                try {
                    s.receive(p);
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                long now = System.nanoTime();
                if (p.getLength() < 12) continue;
                long ssrc = ((b[8] & 0xffL) << 24) | ((b[9] & 0xffL) << 16) | ((b[10] & 0xffL) << 8) | (b[11] & 0xffL);
                int seq = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
                Stream st = streams.computeIfAbsent(ssrc, k -> new Stream());
                boolean inWindow = now >= from;
                if (st.lastSeq >= 0 && inWindow) {
                    int gap = (seq - st.lastSeq) & 0xffff;
                    if (gap > 1 && gap < 1000) st.lost += gap - 1;
                    st.received++;
                    if (gap == 1 && n < jitter.length) jitter[n++] = Math.abs((now - st.lastArrival) - 20_000_000L);
                }
                st.lastSeq = seq;
                st.lastArrival = now;
            }
        }
        long active = 0, lost = 0, received = 0;
        for (Stream st : streams.values()) {
            if (st.received > 0) active++;
            lost += st.lost;
            received += st.received;
        }
        long[] j = Arrays.copyOf(jitter, n);
        Arrays.sort(j);
        System.out.printf("{\"streams\": %d, \"received\": %d, \"lost\": %d, \"jitter_p50_ms\": %.3f, \"jitter_p99_ms\": %.3f, \"jitter_max_ms\": %.3f}%n",
                active, received, lost, pct(j, 0.50), pct(j, 0.99), j.length == 0 ? 0.0 : j[j.length - 1] / 1e6);
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }
}
