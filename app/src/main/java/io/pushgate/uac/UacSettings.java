package io.pushgate.uac;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import io.pushgate.sip.SipUris;
import java.util.List;

/** The [uac] section: registrations with upstream providers and calls through them (docs/uac.md). */
public record UacSettings(String contactAddress, int refreshPercent, int startupSpreadSeconds, int retryMinSeconds,
                          int retryMaxSeconds, int credentialsRetrySeconds, int disableAfterFailures, int pollIntervalSeconds,
                          List<TrunkRoute> routes) {
    public static final ConfigSection SECTION = new ConfigSection("uac",
            "Pushgate as a client of upstream SIP providers: registrations from the remote_registration table, and calls through them (docs/uac.md).");
    static final ConfigKey<String> CONTACT_ADDRESS = SECTION.string("contact-address", "",
            "host:port written in the Contact of remote registrations when a row gives none; empty: the first SIP listening address.");
    static final ConfigKey<Integer> REFRESH = SECTION.integer("refresh-percent", 80, 10, 95,
            "A registration is refreshed after this share of the expiry the provider granted, and never later than 10 s before it ends.");
    static final ConfigKey<Integer> SPREAD = SECTION.integer("startup-spread", 10, 0, 3600,
            "Seconds over which the first REGISTERs after start are spread at random (plus each row's reg_delay).");
    static final ConfigKey<Integer> RETRY_MIN = SECTION.integer("retry-min", 5, 1, 3600,
            "Seconds before the first retry after a timeout, a 5xx or a 480; doubled after each failure, with jitter.");
    static final ConfigKey<Integer> RETRY_MAX = SECTION.integer("retry-max", 600, 1, 86400,
            "Longest wait between retries (a provider's Retry-After is honoured even when longer).");
    static final ConfigKey<Integer> CREDENTIALS_RETRY = SECTION.integer("credentials-retry", 1800, 10, 86400,
            "Seconds before trying again after the provider refused the credentials (403, or a second non-stale challenge).");
    static final ConfigKey<Integer> DISABLE_AFTER = SECTION.integer("disable-after-failures", 0, 0, 1_000_000,
            "Failed attempts in a row after which a registration is disabled; 0 (the default) never disables one.");
    static final ConfigKey<Integer> POLL = SECTION.integer("poll-interval", 2, 1, 300,
            "Seconds between looks at the remote_registration table for rows an operator added, changed or commanded.");
    static final ConfigKey<String> ROUTES = SECTION.string("routes", "",
            "Outbound routes, space-separated: MATCH>UUID[/UUID...][;from=identity|anonymous|keep][;from-name=NAME][;to=target|keep]; MATCH is prefix:DIGITS (stripped) or domain:NAME.");

    public static UacSettings from(Config c) {
        String contact = c.get(CONTACT_ADDRESS).trim();
        if (!contact.isEmpty() && !SipUris.isSipUriOrHostPort(contact)) {
            throw new ConfigException(CONTACT_ADDRESS.qualifiedName(), "expected host:port, got " + contact);
        }
        UacSettings s = new UacSettings(contact, c.get(REFRESH), c.get(SPREAD), c.get(RETRY_MIN), c.get(RETRY_MAX), c.get(CREDENTIALS_RETRY),
                c.get(DISABLE_AFTER), c.get(POLL), TrunkRoute.parseAll(c.get(ROUTES), ROUTES.qualifiedName()));
        if (s.retryMinSeconds > s.retryMaxSeconds) throw new ConfigException(RETRY_MIN.qualifiedName(), "greater than uac.retry-max");
        return s;
    }

    /** When to refresh a registration the provider granted for {@code grantedSeconds}, in milliseconds from now. */
    public long refreshInMs(int grantedSeconds) {
        long byShare = grantedSeconds * 10L * refreshPercent;
        long tenBefore = (grantedSeconds - 10) * 1000L;
        return Math.max(1000L, Math.min(byShare, tenBefore > 0 ? tenBefore : grantedSeconds * 500L));
    }

    /**
     * How long to wait before attempt {@code failures} + 1 after a transient failure: exponential
     * from retry-min up to retry-max, with up to half of it taken off at random so that many
     * registrations failing together do not retry together. A Retry-After (seconds, 0 when none)
     * is honoured as the least wait.
     */
    public long retryInMs(int failures, int retryAfterSeconds, double random) {
        long base = retryMinSeconds * 1000L << Math.min(Math.max(failures - 1, 0), 20);
        long capped = Math.min(base, retryMaxSeconds * 1000L);
        long jittered = capped - (long) (capped * 0.5 * random);
        return Math.max(jittered, retryAfterSeconds * 1000L);
    }
}
