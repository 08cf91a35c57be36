package io.pushgate.incontainer;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bare SIP peer on a UDP socket: sends message texts and reads what comes back, so a test sees
 * every byte the container sends without a client stack's own dialog rules in between.
 */
final class UdpSipPeer implements AutoCloseable {
    /** A received message: start line, every value of each header (lower-cased names, in order), body. */
    record Message(String startLine, Map<String, List<String>> all, String body) {
        boolean isRequest() { return !startLine.startsWith("SIP/2.0"); }
        int status() { return isRequest() ? 0 : Integer.parseInt(startLine.split(" ")[1]); }
        String method() { return isRequest() ? startLine.split(" ")[0] : header("cseq").split(" ")[1]; }
        String requestUri() { return startLine.split(" ")[1]; }
        /** The first value of a header, or null. */
        String header(String name) {
            List<String> v = all.get(name.toLowerCase());
            return v == null ? null : v.get(0);
        }
        /** Every value of a header, one per line it came on. */
        List<String> headers(String name) { return all.getOrDefault(name.toLowerCase(), List.of()); }
        /** The tag of the To header, or null. */
        String toTag() {
            String to = header("to");
            int at = to.indexOf(";tag=");
            return at < 0 ? null : to.substring(at + 5).split(";")[0];
        }
    }

    private final DatagramSocket socket;
    private final InetSocketAddress server;

    UdpSipPeer(String address, int serverPort) throws IOException {
        this(address, 0, serverPort);
    }

    /** A peer on a given local port (0 for any), for one the configuration names. */
    UdpSipPeer(String address, int localPort, int serverPort) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), localPort));
        this.server = new InetSocketAddress("127.0.0.1", serverPort);
    }

    int port() { return socket.getLocalPort(); }
    String address() { return socket.getLocalAddress().getHostAddress(); }

    void send(String text) throws IOException {
        byte[] b = crlf(text).getBytes(StandardCharsets.UTF_8);
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
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
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
        answer(request, "200 OK", "", "");
    }

    /**
     * Answers a received request: every Via, From, To (with {@code toTag} added when not empty and
     * the request had none), Call-ID and CSeq echoed, then the extra header lines and the body.
     */
    void answer(Message request, String status, String toTag, String extraHeaders) throws IOException {
        answer(request, status, toTag, extraHeaders, "", null);
    }

    void answer(Message request, String status, String toTag, String extraHeaders, String body, String contentType) throws IOException {
        StringBuilder b = new StringBuilder("SIP/2.0 ").append(status).append('\n');
        for (String via : request.headers("via")) b.append("Via: ").append(via).append('\n');
        String to = request.header("to");
        if (!toTag.isEmpty() && !to.contains(";tag=")) to += ";tag=" + toTag;
        b.append("From: ").append(request.header("from")).append('\n')
                .append("To: ").append(to).append('\n')
                .append("Call-ID: ").append(request.header("call-id")).append('\n')
                .append("CSeq: ").append(request.header("cseq")).append('\n')
                .append(extraHeaders);
        if (contentType != null) b.append("Content-Type: ").append(contentType).append('\n');
        b.append("Content-Length: ").append(crlf(body).getBytes(StandardCharsets.UTF_8).length).append("\n\n").append(body);
        send(b.toString());
    }

    /**
     * Sends a request: its start line, then this peer's Via (a new branch) and Max-Forwards, then
     * the header lines given (From, To, Call-ID, CSeq, ...), then the body with its length.
     */
    void request(String method, String requestUri, String headers, String body, String contentType) throws IOException {
        StringBuilder b = new StringBuilder(method).append(' ').append(requestUri).append(" SIP/2.0\n")
                .append("Via: SIP/2.0/UDP ").append(address()).append(':').append(port())
                .append(";rport;branch=z9hG4bK").append(Long.toHexString(System.nanoTime())).append('\n')
                .append("Max-Forwards: 70\n").append(headers);
        if (contentType != null) b.append("Content-Type: ").append(contentType).append('\n');
        b.append("Content-Length: ").append(crlf(body).getBytes(StandardCharsets.UTF_8).length).append("\n\n").append(body);
        send(b.toString());
    }

    /** This peer's contact URI for a user. */
    String contact(String user) {
        return "sip:" + user + "@" + address() + ":" + port();
    }

    private static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    /** The next request of the given method within the timeout (other messages are skipped); fails without one. */
    Message nextRequest(String method, long millis) throws IOException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            Message m = receive(Math.max(1, end - System.currentTimeMillis()));
            if (m != null && m.isRequest() && m.method().equals(method)) return m;
        }
        throw new AssertionError("no " + method + " within " + millis + " ms");
    }

    @Override
    public void close() {
        socket.close();
    }
}
