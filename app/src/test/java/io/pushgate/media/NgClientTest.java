package io.pushgate.media;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Test;

/** The NG client against UDP peers in the test that answer, stay silent, or answer late. */
public class NgClientTest {
    private final List<Thread> peers = new java.util.ArrayList<>();
    private final List<DatagramSocket> sockets = new java.util.ArrayList<>();

    /** A peer that ignores the first {@code ignore} packets, then answers pong to each, counting what it got. */
    private InetSocketAddress peer(int ignore, AtomicInteger received) throws Exception {
        DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        sockets.add(s);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!s.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    int n = received.incrementAndGet();
                    if (n <= ignore) continue;
                    String text = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
                    byte[] answer = (text.substring(0, text.indexOf(' ')) + " d6:result4:ponge").getBytes(StandardCharsets.US_ASCII);
                    s.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        peers.add(t);
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }

    @After
    public void closePeers() {
        sockets.forEach(DatagramSocket::close);
    }

    @Test
    public void answerIsMatchedByCookie() throws Exception {
        AtomicInteger got = new AtomicInteger();
        try (NgClient c = new NgClient(List.of(new NgClient.Instance(peer(0, got), 1)), 200, 2, 10_000, System::currentTimeMillis)) {
            assertEquals(Map.of("result", "pong"), c.call(Map.of("command", "ping")));
            assertEquals(1, got.get());
        }
    }

    @Test
    public void retransmitsAfterTheTimeout() throws Exception {
        AtomicInteger got = new AtomicInteger();
        try (NgClient c = new NgClient(List.of(new NgClient.Instance(peer(2, got), 1)), 100, 3, 10_000, System::currentTimeMillis)) {
            assertEquals("pong", c.call(Map.of("command", "ping")).get("result"));
            assertEquals("two sends ignored, the third answered", 3, got.get());
        }
    }

    @Test
    public void failsOverToTheSecondInstanceAndKeepsTheCallThere() throws Exception {
        AtomicInteger silent = new AtomicInteger(), second = new AtomicInteger();
        InetSocketAddress dead = peer(Integer.MAX_VALUE, silent);
        InetSocketAddress alive = peer(0, second);
        // The dead instance has all the weight, so it is always tried first.
        try (NgClient c = new NgClient(List.of(new NgClient.Instance(dead, 1000), new NgClient.Instance(alive, 0)), 80, 1, 60_000,
                System::currentTimeMillis)) {
            assertEquals("pong", c.call(Map.of("command", "offer", "call-id", "c1")).get("result"));
            assertEquals("first send and one retransmission to the dead one", 2, silent.get());
            assertEquals(1, second.get());
            // Now marked down: the next command goes straight to the live one.
            c.call(Map.of("command", "ping"));
            assertEquals(2, silent.get());
        }
    }

    @Test
    public void noAnswerAnywhereIsUnavailable() throws Exception {
        AtomicInteger a = new AtomicInteger(), b = new AtomicInteger();
        try (NgClient c = new NgClient(List.of(new NgClient.Instance(peer(99, a), 1), new NgClient.Instance(peer(99, b), 1)), 50, 1,
                60_000, System::currentTimeMillis)) {
            c.call(Map.of("command", "ping"));
            fail("answered");
        } catch (NgClient.UnavailableException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no rtpengine answered ping"));
            assertEquals(2, a.get());
            assertEquals(2, b.get());
        }
    }
}
