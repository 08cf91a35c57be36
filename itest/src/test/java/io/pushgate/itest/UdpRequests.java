package io.pushgate.itest;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/** A bare SIP request sent over UDP from a socket of the test's own, and its final answer. */
final class UdpRequests {
    private UdpRequests() {}

    /**
     * Sends the request to the server on loopback and returns the first final answer (not 1xx)
     * that {@code mine} accepts, or null when none came within {@code timeoutMs}.
     */
    static String finalAnswer(DatagramSocket s, byte[] request, int serverPort, long timeoutMs, Predicate<String> mine) throws IOException {
        s.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), serverPort));
        long deadline = System.currentTimeMillis() + timeoutMs;
        byte[] buf = new byte[65535];
        while (System.currentTimeMillis() < deadline) {
            s.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException none) {
                return null;
            }
            String answer = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
            if (answer.startsWith("SIP/2.0 ") && !answer.startsWith("SIP/2.0 1") && mine.test(answer)) return answer;
        }
        return null;
    }

    static String finalAnswer(DatagramSocket s, String request, int serverPort, long timeoutMs, Predicate<String> mine) throws IOException {
        return finalAnswer(s, request.getBytes(StandardCharsets.ISO_8859_1), serverPort, timeoutMs, mine);
    }

    /**
     * Sends the request as a phone's client transaction does over UDP (RFC 3261 17.1.2.2: again
     * after T1, doubling up to T2, until a final answer or Timer F at 64 x T1) and returns the
     * first final answer {@code mine} accepts, or null at Timer F.
     */
    static String transaction(DatagramSocket s, String request, int serverPort, Predicate<String> mine) throws IOException {
        byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        long now = System.currentTimeMillis(), timerF = now + 64 * 500, nextSend = now, interval = 500;
        byte[] buf = new byte[65535];
        while (now < timerF) {
            if (now >= nextSend) {
                s.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), serverPort));
                nextSend = now + interval;
                interval = Math.min(interval * 2, 4000);
            }
            s.setSoTimeout((int) Math.max(1, Math.min(nextSend, timerF) - now));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
                String answer = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
                if (answer.startsWith("SIP/2.0 ") && !answer.startsWith("SIP/2.0 1") && mine.test(answer)) return answer;
            } catch (SocketTimeoutException due) {
                // time to send again, or Timer F
            }
            now = System.currentTimeMillis();
        }
        return null;
    }
}
