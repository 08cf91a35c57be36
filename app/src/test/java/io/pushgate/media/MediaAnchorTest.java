package io.pushgate.media;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import io.pushgate.testing.TestResponse;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The media step against an NG peer in the test that answers every command and keeps what it got. */
public class MediaAnchorTest {
    private static final String OFFER = "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n";
    private static final String RELAYED = "v=0\no=- 1 1 IN IP4 192.0.2.200\ns=-\nc=IN IP4 192.0.2.200\nt=0 0\nm=audio 30000 RTP/AVP 0\n";

    private final BlockingQueue<Map<String, Object>> commands = new LinkedBlockingQueue<>();
    private DatagramSocket rtpengine;
    private volatile boolean silent;
    private Database db;
    private BindingStore bindings;
    private NgClient ng;

    @Before
    public void start() throws Exception {
        rtpengine = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65535];
            while (!rtpengine.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    rtpengine.receive(p);
                    String text = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
                    int space = text.indexOf(' ');
                    byte[] body = text.substring(space + 1).getBytes(StandardCharsets.ISO_8859_1);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> cmd = (Map<String, Object>) Bencode.decode(body);
                    commands.add(cmd);
                    if (silent) continue;
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("result", "ok");
                    if (!"delete".equals(cmd.get("command"))) answer.put("sdp", RELAYED);
                    byte[] out = (text.substring(0, space + 1) + new String(Bencode.encode(answer), StandardCharsets.ISO_8859_1))
                            .getBytes(StandardCharsets.ISO_8859_1);
                    rtpengine.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        db = new Database(new DatabaseSettings("jdbc:h2:mem:media" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(BindingRecord.class));
        bindings = new BindingStore(db, System::currentTimeMillis);
        ng = new NgClient(List.of(new NgClient.Instance(new InetSocketAddress(InetAddress.getLoopbackAddress(), rtpengine.getLocalPort()), 1)),
                100, 1, 30_000, System::currentTimeMillis);
    }

    @After
    public void stop() {
        ng.close();
        rtpengine.close();
        bindings.close();
        db.close();
    }

    private MediaAnchor anchor(boolean proceedWithoutRelay) {
        MediaSettings defaults = MediaSettings.from(io.pushgate.config.Config.defaults(List.of(MediaSettings.SECTION)));
        MediaSettings s = new MediaSettings(defaults.instances(), 100, 1, 30, proceedWithoutRelay, defaults.flags());
        return new MediaAnchor(s, ng, new LocalDomain(List.of("example.com")), bindings);
    }

    private static TestRequest invite() {
        return TestRequest.of("""
                INVITE sip:bob@example.com SIP/2.0
                From: <sip:alice@example.com>;tag=caller
                To: <sip:bob@example.com>
                Call-ID: media-1
                CSeq: 1 INVITE
                Content-Type: application/sdp

                """ + OFFER.replace("\n", "\r\n"));
    }

    private Map<String, Object> next() throws InterruptedException {
        Map<String, Object> cmd = commands.poll(5, TimeUnit.SECONDS);
        if (cmd == null) throw new AssertionError("rtpengine got no command");
        return cmd;
    }

    private static String text(Map<String, Object> cmd, String key) {
        return (String) cmd.get(key);
    }

    @Test
    public void theOfferGoesThroughRtpengineAndTheAnswerAndTheByeToo() throws Exception {
        MediaAnchor step = anchor(false);
        TestRequest req = invite();
        // the routing step after it proxies the call
        StepRun r = StepRun.of(req, step, (ex, chain) -> ex.proxied());
        assertTrue(r.exchange.isProxied());
        Map<String, Object> offer = next();
        assertEquals("offer", text(offer, "command"));
        assertEquals("media-1", text(offer, "call-id"));
        assertEquals("caller", text(offer, "from-tag"));
        assertTrue(text(offer, "sdp").contains("c=IN IP4 10.0.0.1"));
        assertTrue("the INVITE carries rtpengine's SDP on", new String(req.getRawContent(), StandardCharsets.UTF_8).contains("192.0.2.200"));

        TestResponse ok = (TestResponse) req.createResponse(200);
        ok.setContent(OFFER.replace("10.0.0.1", "10.0.0.2").getBytes(StandardCharsets.UTF_8), "application/sdp");
        step.onResponse(ok);
        Map<String, Object> answer = next();
        assertEquals("answer", text(answer, "command"));
        assertEquals(ok.getTo().getParameter("tag"), text(answer, "to-tag"));
        assertTrue(new String(ok.getRawContent(), StandardCharsets.UTF_8).contains("192.0.2.200"));

        assertTrue("nothing else was sent", commands.isEmpty());
        TestRequest bye = TestRequest.of("BYE sip:bob@10.0.0.2 SIP/2.0\nFrom: <sip:alice@example.com>;tag=caller\n"
                + "To: <sip:bob@example.com>;tag=x\nCall-ID: media-1\nCSeq: 2 BYE\n");
        // the BYE belongs to the same call: same application session as the INVITE
        bye.getApplicationSession().setAttribute(MediaAnchor.class.getName(), req.applicationAttribute(MediaAnchor.class.getName()));
        assertFalse("the container routes the BYE on", step.onSubsequent(bye));
        assertEquals("delete", text(next(), "command"));
    }

    @Test
    public void withoutRtpengineTheCallIs503UnlessConfiguredToGoOnUnanchored() throws Exception {
        silent = true;
        StepRun refused = StepRun.of(invite(), anchor(false));
        assertEquals(503, refused.status());
        assertEquals("30", refused.response().getHeader("Retry-After"));
        StepRun through = StepRun.of(invite(), anchor(true));
        assertTrue(through.proceeded());
        assertTrue(new String(through.request.getRawContent(), StandardCharsets.UTF_8).contains("10.0.0.1"));
    }

    @Test
    public void aCallAnsweredHereLeavesNoSessionInRtpengine() throws Exception {
        StepRun r = StepRun.of(invite(), anchor(false), (ex, chain) -> ex.reply(480, "Temporarily Unavailable"));
        assertEquals(480, r.status());
        assertEquals("offer", text(next(), "command"));
        assertEquals("delete", text(next(), "command"));
    }
}
