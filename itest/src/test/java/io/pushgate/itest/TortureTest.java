package io.pushgate.itest;

import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * RFC 4475's torture messages, byte for byte from the RFC's archive, and RFC 5118's IPv6 cases,
 * each sent over UDP and over TCP to a registrar for example.com, with the outcome the RFC asks
 * for (rfc4475/expected.txt, rfc5118/expected.txt).
 * Responses go back to the top Via, which names no port: the test sends from 127.0.0.1:5060, and
 * only the Via's transport is set to the one used and the top branch made unique (many messages
 * share one, which would make them one transaction). Each transport has a server of its own, so
 * that no message is taken for a retransmission of its twin (RFC 2543 ones have no branch).
 */
public class TortureTest {
    private static final InetSocketAddress VIA_DEFAULT = new InetSocketAddress("127.0.0.1", 5060);
    private static final Pattern TOP_VIA_TRANSPORT =
            Pattern.compile("(?im)^((?:via|v)[ \\t]*:[ \\t]*SIP[ \\t]*/[ \\t]*2\\.0\\s*/[ \\t]*)([A-Za-z]+)");
    private static final Pattern CALL_ID = Pattern.compile("(?im)^(?:call-id|i)[ \\t]*:[ \\t]*(\\S+)");
    private static PushgateProcess udp;
    private static PushgateProcess tcp;

    @BeforeClass
    public static void start() throws Exception {
        udp = registrarForExampleCom();
        tcp = registrarForExampleCom();
    }

    private static PushgateProcess registrarForExampleCom() throws Exception {
        PushgateProcess server = new PushgateProcess("[domain]\nnames = example.com\n");
        for (String user : new String[] {"user", "j.user", "UserB"}) server.addSubscriber(user, "pw-torture");
        return server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (udp != null) udp.close();
        if (tcp != null) tcp.close();
    }

    @Test
    public void everyRfc4475MessageGetsWhatTheRfcSaysOverUdp() throws Exception {
        assertAll("rfc4475", "udp");
    }

    @Test
    public void everyRfc4475MessageGetsWhatTheRfcSaysOverTcp() throws Exception {
        assertAll("rfc4475", "tcp");
    }

    @Test
    public void everyRfc5118MessageGetsWhatTheRfcSaysOverUdp() throws Exception {
        assertAll("rfc5118", "udp");
    }

    @Test
    public void everyRfc5118MessageGetsWhatTheRfcSaysOverTcp() throws Exception {
        assertAll("rfc5118", "tcp");
    }

    private static void assertAll(String corpus, String transport) throws Exception {
        List<String> wrong = new ArrayList<>();
        // One UDP socket for the whole run: the server retransmits its answers to INVITEs (nothing
        // ACKs them here), and they must not meet a closed port.
        try (DatagramSocket udpSocket = new DatagramSocket(null)) {
            udpSocket.setReuseAddress(true);
            udpSocket.bind(VIA_DEFAULT);
            for (Map.Entry<String, String> e : expectations(corpus, transport).entrySet()) {
                byte[] message = fixture(corpus, e.getKey(), transport);
                String answer = "udp".equals(transport) ? overUdp(udpSocket, message) : overTcp(message);
                if (!matches(e.getValue(), answer)) wrong.add(corpus + "/" + e.getKey() + ": expected " + e.getValue() + ", got " + (answer == null ? "no answer" : answer));
            }
        }
        assertTrue(wrong.size() + " messages answered wrongly over " + transport + ":\n" + String.join("\n", wrong), wrong.isEmpty());
    }

    private static boolean matches(String expected, String answer) {
        for (String outcome : expected.split("\\|")) {
            if (outcome.equals("drop") && answer == null) return true;
            if (answer == null || outcome.equals("drop")) continue;
            int status = Integer.parseInt(answer.substring(8, 11));
            if (outcome.equals("processed") && status != 400 && status != 416 && status != 420 && status != 505 && status < 500) return true;
            if (outcome.equals(Integer.toString(status))) return true;
        }
        return false;
    }

    private static Map<String, String> expectations(String corpus, String transport) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = TortureTest.class.getResourceAsStream("/" + corpus + "/expected.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.trim().split("\\s+");
                String outcome = f[1];
                for (int i = 1; i < f.length; i++) if (f[i].startsWith(transport + "=")) outcome = f[i].substring(transport.length() + 1);
                out.put(f[0], outcome);
            }
        }
        return out;
    }

    private static byte[] fixture(String corpus, String name, String transport) throws Exception {
        String text;
        try (InputStream in = TortureTest.class.getResourceAsStream("/" + corpus + "/" + name + ".dat")) {
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        Matcher via = TOP_VIA_TRANSPORT.matcher(text);
        if (via.find()) text = text.substring(0, via.start(2)) + transport.toUpperCase() + text.substring(via.end(2));
        // Many of the RFC's messages share one branch, which would make them one transaction here.
        text = text.replaceFirst("(?i)(branch[ \\t]*=[ \\t]*(?:\\r\\n[ \\t]+)?)(z9hG4bK)?", "$1$2" + name + ".");
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The first final answer for this message's Call-ID, or null when none came within 2 s. */
    private static String overUdp(DatagramSocket s, byte[] message) throws Exception {
        String callId = callId(message);
        String answer = UdpRequests.finalAnswer(s, message, udp.sipPort, 2_000, a -> isFinalFor(a, callId));
        return answer == null ? null : firstLine(answer);
    }

    private static String overTcp(byte[] message) throws Exception {
        String callId = callId(message);
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.setSoLinger(true, 0); // no TIME_WAIT: the next message binds the same address
            s.bind(VIA_DEFAULT);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.sipPort), 2_000);
            s.getOutputStream().write(message);
            long deadline = System.currentTimeMillis() + 2_000;
            StringBuilder received = new StringBuilder();
            byte[] buf = new byte[65535];
            while (System.currentTimeMillis() < deadline) {
                s.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                int n;
                try {
                    n = s.getInputStream().read(buf);
                } catch (SocketTimeoutException | java.net.SocketException none) {
                    break;
                }
                if (n < 0) break;
                received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                for (String answer : received.toString().split("(?=SIP/2\\.0 \\d{3} )")) if (isFinalFor(answer, callId)) return firstLine(answer);
            }
            return null;
        }
    }

    private static String callId(byte[] message) {
        Matcher m = CALL_ID.matcher(new String(message, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1) : null;
    }

    private static boolean isFinalFor(String answer, String callId) {
        if (!answer.startsWith("SIP/2.0 ") || answer.startsWith("SIP/2.0 1")) return false;
        Matcher m = CALL_ID.matcher(answer);
        return callId == null ? !m.find() : m.find() && m.group(1).equals(callId);
    }

    private static String firstLine(String answer) {
        return answer.substring(0, answer.indexOf('\r') < 0 ? answer.length() : answer.indexOf('\r'));
    }
}
