package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.media.NgClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Pushgate's NG client against a real rtpengine: ping, offer, answer, query, delete, and failover. */
public class RtpengineTest {
    private Path work;
    private Rtpengine rtpengine;
    private NgClient client;

    private static final String OFFER = """
            v=0\r
            o=caller 1 1 IN IP4 127.0.0.1\r
            s=-\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio 40000 RTP/AVP 0\r
            a=rtpmap:0 PCMU/8000\r
            """;
    private static final String ANSWER = OFFER.replace("caller", "callee").replace("40000", "40002");

    @Before
    public void setUp() throws Exception {
        work = TestDirs.create("pushgate-rtpengine");
        rtpengine = Rtpengine.start(work, 30000 + (int) (ProcessHandle.current().pid() % 100) * 100);
        InetSocketAddress dead = new InetSocketAddress("127.0.0.1", PushgateProcess.freePort());
        client = new NgClient(List.of(new NgClient.Instance(dead, 100), new NgClient.Instance(
                new InetSocketAddress("127.0.0.1", rtpengine.ngPort), 1)), 200, 1, 30_000, System::currentTimeMillis);
    }

    @After
    public void tearDown() throws Exception {
        if (client != null) client.close();
        if (rtpengine != null) rtpengine.close();
    }

    @Test
    public void offerAnswerQueryDeleteThroughTheLiveInstance() throws Exception {
        assertEquals("pong", client.call(Map.of("command", "ping")).get("result"));
        Map<String, Object> offer = client.call(Map.of("command", "offer", "call-id", "call-1", "from-tag", "ft",
                "sdp", OFFER, "flags", List.of("trust-address"), "replace", List.of("origin", "session-connection"),
                "ICE", "remove", "transport-protocol", "RTP/AVP"));
        assertEquals(offer.toString(), "ok", offer.get("result"));
        String relayed = (String) offer.get("sdp");
        assertTrue(relayed, relayed.contains("c=IN IP4 127.0.0.1"));
        assertTrue("rtpengine puts its own port in the SDP:\n" + relayed, !relayed.contains("m=audio 40000 "));

        Map<String, Object> answer = client.call(Map.of("command", "answer", "call-id", "call-1", "from-tag", "ft",
                "to-tag", "tt", "sdp", ANSWER, "flags", List.of("trust-address"), "ICE", "remove"));
        assertEquals(answer.toString(), "ok", answer.get("result"));
        assertEquals("ok", client.call(Map.of("command", "query", "call-id", "call-1")).get("result"));
        assertEquals(1, client.callsTracked());
        assertEquals("ok", client.call(Map.of("command", "delete", "call-id", "call-1", "from-tag", "ft", "delete-delay", 0)).get("result"));
        assertEquals(0, client.callsTracked());
        Map<String, Object> gone = client.call(Map.of("command", "query", "call-id", "call-1"));
        assertEquals("a deleted call is gone", "error", gone.get("result"));
    }
}
