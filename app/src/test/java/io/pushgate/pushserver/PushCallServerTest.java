package io.pushgate.pushserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.config.Config;
import io.pushgate.push.PushDispatcher;
import io.pushgate.push.PushSettings;
import io.pushgate.testing.SipText;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** What the push application server refuses before it takes a call (taking one is InContainerPushServerTest's). */
public class PushCallServerTest {
    private PushDispatcher push;
    private RtpStreamer rtp;
    private ScheduledExecutorService timers;
    private PushCallServer step;

    @Before
    public void open() throws Exception {
        Config c = Config.parse("[push-server]\nproxy = 192.0.2.1:5060\nrtp-ports = 46000-46009\n",
                List.of(PushServerSettings.SECTION, PushSettings.SECTION));
        push = new PushDispatcher(c, List.of());
        rtp = new RtpStreamer(EarlyMediaAudio.load(null), "127.0.0.1", 46000, 46009);
        timers = Executors.newSingleThreadScheduledExecutor();
        step = new PushCallServer(PushServerSettings.from(c), SipText.factory(), push, rtp, timers,
                new io.pushgate.trace.CallTraces(new io.pushgate.trace.TraceSettings(15, 100), System::currentTimeMillis),
                io.pushgate.heldcall.HeldCalls.off(), System::currentTimeMillis);
    }

    @After
    public void close() {
        timers.shutdownNow();
        rtp.close();
        push.close();
    }

    private static TestRequest request(String method, String body) {
        return TestRequest.of(method + " sip:alice@example.com SIP/2.0\nFrom: <sip:bob@example.com>;tag=1\nTo: <sip:alice@example.com>\n"
                + "Call-ID: ps-" + System.nanoTime() + "\nCSeq: 1 " + method + "\n"
                + (body.isEmpty() ? "" : "Content-Type: application/sdp\n") + "\n" + body.replace("\n", "\r\n")).from("192.0.2.1", 5060, "UDP");
    }

    @Test
    public void callsAreTakenFromTheProxyOnly() throws Exception {
        assertEquals(403, StepRun.of(request("INVITE", "").from("198.51.100.66", 5060, "UDP"), step).status());
    }

    @Test
    public void aCallWithoutAnAudioOfferItCanAnswerIs488WithAWarning() throws Exception {
        StepRun noSdp = StepRun.of(request("INVITE", ""), step);
        assertEquals(488, noSdp.status());
        assertTrue(noSdp.response().getHeader("Warning").contains("PCMU or PCMA"));
        String video = "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=video 4000 RTP/AVP 96\n";
        assertEquals(488, StepRun.of(request("INVITE", video), step).status());
    }

    @Test
    public void outsideACallOptionsIs200AndAnythingElse405() throws Exception {
        assertEquals(200, StepRun.of(request("OPTIONS", ""), step).status());
        StepRun message = StepRun.of(request("MESSAGE", ""), step);
        assertEquals(405, message.status());
        assertTrue(message.response().getHeader("Allow").contains("INVITE"));
    }

    @Test
    public void aCallIsWatchedAtAndHandedBackToTheNodeItsViaNames() {
        assertEquals("sip:10.0.0.1:5070;lr", PushCallServer.viaRoute("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;rport", "10.0.0.1"));
        assertEquals("sip:10.0.0.1;transport=tcp;lr", PushCallServer.viaRoute("SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK1", "10.0.0.1"));
        assertEquals("sip:[2001:db8::1]:5060;transport=tls;lr", PushCallServer.viaRoute("SIP/2.0/TLS [2001:db8::1]:5060;branch=z9hG4bK1", "2001:db8::1"));
        // a Via that names another host than the packet came from (a NATed or lying sender): the configured proxy
        assertEquals(null, PushCallServer.viaRoute("SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK1", "10.0.0.1"));
        assertEquals(null, PushCallServer.viaRoute("garbage", "10.0.0.1"));
        assertEquals(null, PushCallServer.viaRoute(null, "10.0.0.1"));
    }

    @Test
    public void aCallRelayedByADispatcherIsWatchedAtTheNodeBelowIt() {
        List<String> nodes = List.of("10.0.0.1", "10.0.0.2"), dispatchers = List.of("10.0.0.9");
        String dispatcherVia = "SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKd", nodeVia = "SIP/2.0/UDP 10.0.0.2:5070;branch=z9hG4bKn";
        assertEquals("sip:10.0.0.2:5070;lr", PushCallServer.senderRoute(List.of(dispatcherVia, nodeVia), "10.0.0.9", nodes, dispatchers));
        // straight from a node: its own (top) Via, as before
        assertEquals("sip:10.0.0.2:5070;lr", PushCallServer.senderRoute(List.of(nodeVia), "10.0.0.2", nodes, dispatchers));
        // below the dispatcher a host that is no node, or nothing: the configured proxy
        assertEquals(null, PushCallServer.senderRoute(List.of(dispatcherVia, "SIP/2.0/UDP 198.51.100.7;branch=z9hG4bKx"), "10.0.0.9", nodes, dispatchers));
        assertEquals(null, PushCallServer.senderRoute(List.of(dispatcherVia), "10.0.0.9", nodes, dispatchers));
    }
}
