package io.pushgate.push.webhook;

import static org.junit.Assert.assertEquals;

import io.pushgate.push.PushOutcome.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.Test;

/** What the operator's backend can answer, and the signature it checks. */
public class WebhookOutcomeTest {
    @Test
    public void statusesRead() {
        assertEquals(Status.ACCEPTED, WebhookService.outcome(204, null).status());
        assertEquals(Status.TOKEN_GONE, WebhookService.outcome(410, null).status());
        assertEquals(Status.TOKEN_GONE, WebhookService.outcome(404, null).status());
        assertEquals(Status.CREDENTIALS, WebhookService.outcome(401, null).status());
        assertEquals(Status.CREDENTIALS, WebhookService.outcome(403, null).status());
        assertEquals(Duration.ofSeconds(3), WebhookService.outcome(429, "3").retryAfter());
        assertEquals(Status.TRANSIENT, WebhookService.outcome(502, null).status());
        assertEquals(Status.REFUSED, WebhookService.outcome(400, null).status());
    }

    /** RFC 4231 test case 2, so the signature is the standard HMAC-SHA256 any backend computes. */
    @Test
    public void signatureIsHmacSha256InHex() {
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                WebhookService.sign("Jefe".getBytes(StandardCharsets.UTF_8), "what do ya want for nothing?"));
    }
}
