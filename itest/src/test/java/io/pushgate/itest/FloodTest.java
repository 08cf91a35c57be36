package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * sipp floods the server from 127.0.0.2 while a phone on 127.0.0.1 registers and is called:
 * the phone is served, the flooding address is ignored for [flood] block-seconds, and a third
 * address is still answered. Loopback is not exempt here, so each test address counts.
 */
public class FloodTest {
    private static PushgateProcess server;

    @BeforeClass
    public static void start() throws Exception {
        server = new PushgateProcess("[flood]\nrate = 20\nburst = 40\nblock-seconds = 60\nexempt-loopback = false\n");
        for (String user : new String[] {"alice", "bob"}) assertEquals(0, server.addSubscriber(user, "pw-" + user).exit());
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    public void aFloodingSourceIsIgnoredWhileAPhoneElsewhereRegistersAndIsCalled() throws Exception {
        Sipp.Running flood = Sipp.start(server.dir, Sipp.scenario(Sipp.sendOnce("""
                OPTIONS sip:[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/UDP [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: <sip:scanner@[local_ip]>;tag=[call_number]
                To: <sip:[remote_ip]>
                Call-ID: [call_id]
                CSeq: 1 OPTIONS
                Content-Length: 0
                """)), server.uri(), PushgateProcess.freePort(), "-i", "127.0.0.2", "-m", "6000", "-r", "2000");

        int devicePort = PushgateProcess.freePort();
        server.registerDevice("bob", "<sip:bob@[local_ip]:[local_port]>", devicePort);
        ProxyTest.placeCallToRegistered(server, devicePort, "bob");
        flood.await();

        assertNull("the flooding address is ignored", options("127.0.0.2"));
        assertTrue("another address is answered", String.valueOf(options("127.0.0.3")).startsWith("SIP/2.0 200"));
        double dropped = server.metric("pushgate_flood_dropped_total");
        assertTrue("dropped: " + dropped, dropped > 1000);
        assertEquals(1.0, server.metric("pushgate_flood_blocked_sources"), 0);
    }

    /** An OPTIONS to the server from this address; its answer, or null when none came in a second. */
    private static String options(String from) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
            String request = "OPTIONS sip:" + server.uri() + " SIP/2.0\r\nVia: SIP/2.0/UDP " + from + ":" + s.getLocalPort()
                    + ";branch=z9hG4bK" + System.nanoTime() + "\r\nMax-Forwards: 70\r\nFrom: <sip:probe@" + from + ">;tag=1\r\nTo: <sip:"
                    + server.uri() + ">\r\nCall-ID: " + System.nanoTime() + "@" + from + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            return UdpRequests.finalAnswer(s, request, server.sipPort, 1_000, a -> true);
        }
    }
}
