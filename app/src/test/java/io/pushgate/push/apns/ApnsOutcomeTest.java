package io.pushgate.push.apns;

import static org.junit.Assert.assertEquals;

import io.pushgate.push.PushOutcome.Status;
import org.junit.Test;

/** How APNs's rejections read (Apple's table of status codes and reasons). */
public class ApnsOutcomeTest {
    @Test
    public void deadTokens() {
        assertEquals(Status.TOKEN_GONE, ApnsService.outcome(410, "Unregistered", true).status());
        assertEquals(Status.TOKEN_GONE, ApnsService.outcome(400, "BadDeviceToken", false).status());
    }

    @Test
    public void ourCredentials() {
        assertEquals(Status.CREDENTIALS, ApnsService.outcome(403, "ExpiredProviderToken", false).status());
        assertEquals(Status.CREDENTIALS, ApnsService.outcome(403, "InvalidProviderToken", false).status());
        assertEquals(Status.CREDENTIALS, ApnsService.outcome(403, "BadCertificateEnvironment", false).status());
    }

    @Test
    public void worthARetry() {
        assertEquals(Status.TRANSIENT, ApnsService.outcome(429, "TooManyRequests", false).status());
        assertEquals(Status.TRANSIENT, ApnsService.outcome(500, "InternalServerError", false).status());
        assertEquals(Status.TRANSIENT, ApnsService.outcome(503, "ServiceUnavailable", false).status());
    }

    @Test
    public void theRestKeepsTheDevice() {
        assertEquals(Status.REFUSED, ApnsService.outcome(400, "DeviceTokenNotForTopic", false).status());
        assertEquals(Status.REFUSED, ApnsService.outcome(413, "PayloadTooLarge", false).status());
    }
}
