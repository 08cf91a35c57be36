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
}
