package io.pushgate.itest;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/** A UDP socket that records the RTP packets it receives, with their arrival times. */
final class RtpReceiver implements AutoCloseable {
    record Packet(long arrivalNanos, int version, boolean marker, int payloadType, int seq, long timestamp, long ssrc, int payloadLength) {}

    private final DatagramSocket socket;

    RtpReceiver() throws IOException {
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setReceiveBufferSize(1 << 20);
    }

    int port() { return socket.getLocalPort(); }

    /** Packets received within {@code millis}, after waiting up to {@code firstWithinMillis} for the first one. */
    List<Packet> collect(long firstWithinMillis, long millis) throws IOException {
        List<Packet> out = new ArrayList<>();
        byte[] buf = new byte[2048];
        long deadline = System.nanoTime() + firstWithinMillis * 1_000_000L;
        while (true) {
            long now = System.nanoTime();
            long left = (out.isEmpty() ? deadline : out.get(0).arrivalNanos() + millis * 1_000_000L) - now;
            if (left <= 0) return out;
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000L));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            out.add(parse(System.nanoTime(), buf, p.getLength()));
        }
    }

    /** Packets that arrive during the next {@code millis}, after discarding what is already queued. */
    int countFresh(long millis) throws IOException {
        byte[] buf = new byte[2048];
        long drainUntil = System.nanoTime() + 1_000_000_000L;
        socket.setSoTimeout(100);
        try {
            while (System.nanoTime() < drainUntil) socket.receive(new DatagramPacket(buf, buf.length));
        } catch (SocketTimeoutException quiet) {
            // a 100 ms gap: the queue is empty
        }
        int n = 0;
        long end = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) return n;
            socket.setSoTimeout((int) left);
            try {
                socket.receive(new DatagramPacket(buf, buf.length));
                n++;
            } catch (SocketTimeoutException e) {
                return n;
            }
        }
    }

    private static Packet parse(long at, byte[] b, int len) {
        if (len < 12) return new Packet(at, -1, false, -1, -1, -1, -1, len);
        int seq = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        long ts = ((b[4] & 0xffL) << 24) | ((b[5] & 0xffL) << 16) | ((b[6] & 0xffL) << 8) | (b[7] & 0xffL);
        long ssrc = ((b[8] & 0xffL) << 24) | ((b[9] & 0xffL) << 16) | ((b[10] & 0xffL) << 8) | (b[11] & 0xffL);
        return new Packet(at, (b[0] & 0xff) >> 6, (b[1] & 0x80) != 0, b[1] & 0x7f, seq, ts, ssrc, len - 12);
    }

    @Override
    public void close() {
        socket.close();
    }
}
