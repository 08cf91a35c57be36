package io.pushgate.push.webpush;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.push.PushOutcome.Status;
import io.pushgate.push.PushParams;
import org.junit.Test;

/** RFC 8030's answers, and the subscription as a Contact carries it. */
public class WebPushOutcomeTest {
    @Test
    public void statusesRead() {
        assertEquals(Status.ACCEPTED, WebPushService.outcome(201, null).status());
        assertEquals(Status.TOKEN_GONE, WebPushService.outcome(410, null).status());
        assertEquals(Status.TOKEN_GONE, WebPushService.outcome(404, null).status());
        assertEquals(Status.CREDENTIALS, WebPushService.outcome(403, null).status());
        assertEquals(Status.TRANSIENT, WebPushService.outcome(429, "4").status());
        assertEquals(Status.REFUSED, WebPushService.outcome(413, null).status());
    }

    @Test
    public void theSubscriptionIsReadFromTheContact() throws Exception {
        String keys = "B".repeat(87) + "." + "A".repeat(22);
        PushParams p = PushParams.parseUri("sip:a@h;pn-provider=webpush;pn-prid=https://push.example/wp/abc%3Fx%3D1;pn-param=" + keys).orElseThrow();
        assertEquals("https://push.example/wp/abc?x=1", p.endpoint());
        try {
            PushParams.parseUri("sip:a@h;pn-provider=webpush;pn-prid=https://push.example/wp/abc;pn-param=short");
            throw new AssertionError("keys that are not p256dh.auth were taken");
        } catch (PushParams.InvalidPushParams expected) {
            assertTrue(expected.getMessage().contains("pn-param"));
        }
    }
}
