package io.pushgate.incontainer;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bare SIP peer on a UDP socket: sends message texts and reads what comes back, so a test sees
 * every byte the container sends without a client stack's own dialog rules in between.
 */
final class UdpSipPeer implements AutoCloseable {
    /** A received message: start line, first value of each header (lower-cased names), body. */
    record Message(String startLine, Map<String, String> headers, String body) {
        boolean isRequest() { return !startLine.startsWith("SIP/2.0"); }
        int status() { return isRequest() ? 0 : Integer.parseInt(startLine.split(" ")[1]); }
        String method() { return isRequest() ? startLine.split(" ")[0] : headers.get("cseq").split(" ")[1]; }
        String header(String name) { return headers.get(name.toLowerCase()); }
    }

    private final DatagramSocket socket;
    private final InetSocketAddress server;

    UdpSipPeer(String address, int serverPort) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
        this.server = new InetSocketAddress("127.0.0.1", serverPort);
    }

    int port() { return socket.getLocalPort(); }
    String address() { return socket.getLocalAddress().getHostAddress(); }

    void send(String text) throws IOException {
        byte[] b = text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, server));
    }

    /** The next message within the timeout, or null. */
    Message receive(long millis) throws IOException {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout((int) millis);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        String text = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        String head = split < 0 ? text : text.substring(0, split);
        String body = split < 0 ? "" : text.substring(split + 4);
        String[] lines = head.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
        }
        return new Message(lines[0], headers, body);
    }

    /** The next final response (provisional ones are skipped); fails after the timeout. */
    Message finalResponse(long millis) throws IOException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            Message m = receive(Math.max(1, end - System.currentTimeMillis()));
            if (m != null && !m.isRequest() && m.status() >= 200) return m;
        }
        throw new AssertionError("no final response within " + millis + " ms");
    }

    /** Answers a received request with 200, echoing what RFC 3261 section 8.2.6 asks for. */
    void ok(Message request) throws IOException {
        send("SIP/2.0 200 OK\n"
                + "Via: " + request.header("via") + "\n"
                + "From: " + request.header("from") + "\n"
                + "To: " + request.header("to") + "\n"
                + "Call-ID: " + request.header("call-id") + "\n"
                + "CSeq: " + request.header("cseq") + "\n"
                + "Content-Length: 0\n\n");
    }

    @Override
    public void close() {
        socket.close();
    }
}
