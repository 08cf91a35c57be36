package io.pushgate.auth;

import io.pushgate.logging.ThrottledWarning;
import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.LocalDomain;
import io.pushgate.sip.StackHeaders;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.ListIterator;
import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step: challenges REGISTER for the local domain (401) and other requests from local
 * users (407), verifies the answer, and strips our credentials before anything is relayed.
 */
public final class DigestAuthenticator implements RequestStep {
    private static final Logger log = LoggerFactory.getLogger(DigestAuthenticator.class);

    private final AuthSettings settings;
    private final LocalDomain domain;
    private final SubscriberDirectory subscribers;
    private final NonceIssuer nonces;
    private final FailureThrottle throttle;
    private final ThrottledWarning tableFull = new ThrottledWarning(log, System::currentTimeMillis);
    static final Counter FAILURES = Counter.builder().withoutExemplars().name("pushgate_auth_failures")
            .help("Digest authentications that did not pass, by reason (wrong_password, unknown_user, stale_nonce, unknown_nonce, "
                    + "replayed_nonce, nonce_table_full, malformed, locked_out).")
            .labelNames("reason").register();
    static final Counter LOCKOUTS = Counter.builder().withoutExemplars().name("pushgate_auth_lockouts")
            .help("Source addresses locked out after too many failed authentications.").register();

    public DigestAuthenticator(AuthSettings settings, LocalDomain domain, SubscriberDirectory subscribers,
                               NonceIssuer nonces, FailureThrottle throttle) {
        this.settings = settings;
        this.domain = domain;
        this.subscribers = subscribers;
        this.nonces = nonces;
        this.throttle = throttle;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        SipServletRequest req = ex.request();
        if (!needsAuthentication(req)) {
            chain.proceed(ex);
            return;
        }
        boolean register = "REGISTER".equals(req.getMethod());
        String source = req.getInitialRemoteAddr();
        // Failures count per account and source together: a sender spoofing a victim's address
        // over UDP locks out only the account it names from there, not everyone behind it.
        String throttled = claimedUser(req, register) + " from " + source;
        long locked = throttle.lockedFor(throttled);
        if (locked > 0) {
            FAILURES.labelValues("locked_out").inc();
            SipServletResponse r = ex.response(403, "Too Many Failed Authentications");
            r.setHeader("Retry-After", Long.toString(locked));
            ex.send(r);
            return;
        }
        String headerName = register ? "Authorization" : "Proxy-Authorization";
        DigestCredentials creds = ourCredentials(req, headerName);
        if (creds == null) {
            challenge(ex, register, false);
            return;
        }
        DigestAlgorithm alg = DigestAlgorithm.fromToken(creds.algorithm());
        if (!creds.complete() || alg == null || !settings.algorithms().contains(alg)
                || (creds.qop() != null && !"auth".equalsIgnoreCase(creds.qop()))) {
            FAILURES.labelValues("malformed").inc();
            ex.reply(400, "Malformed Credentials");
            return;
        }
        if (!creds.madeFor(req.getRequestURI().toString())) { // RFC 2617 section 3.2.2.5
            FAILURES.labelValues("uri_mismatch").inc();
            ex.reply(400, "Credentials Made For Another URI");
            return;
        }
        switch (nonces.verify(creds.nonce())) {
            case INVALID -> { FAILURES.labelValues("unknown_nonce").inc(); challenge(ex, register, false); return; }
            case STALE -> { FAILURES.labelValues("stale_nonce").inc(); challenge(ex, register, true); return; }
            case VALID -> { }
        }
        Optional<Subscriber> subscriber = subscribers.find(creds.username());
        String ha1 = subscriber.map(s -> SubscriberDirectory.ha1(s, alg, settings.realm())).orElse(null);
        String expected = ha1 == null ? null : creds.expectedResponse(alg, ha1, req.getMethod());
        if (expected == null || !java.security.MessageDigest.isEqual(expected.getBytes(), creds.response().toLowerCase().getBytes())) {
            FAILURES.labelValues(subscriber.isEmpty() ? "unknown_user" : "wrong_password").inc();
            if (throttle.failed(throttled)) LOCKOUTS.inc();
            log.info("auth failure user={} source={} method={}", creds.username(), source, req.getMethod());
            challenge(ex, register, false);
            return;
        }
        long nc = parseNc(creds.nc());
        NonceCounts.Use use = nonces.acceptCount(creds.nonce(), nc);
        if (use != NonceCounts.Use.COUNTED) {
            // a full table is a sizing matter, not an attack: told to the operator, not logged as a replay
            if (use == NonceCounts.Use.TABLE_FULL) {
                tableFull.warn("nonce replay table full: authenticated requests are challenged again; raise [auth] nonce-cache-size to"
                        + " nonce-lifetime times the request rate (docs/configuration.md)");
            } else {
                log.info("replayed nonce count user={} source={}", creds.username(), source);
            }
            FAILURES.labelValues(use == NonceCounts.Use.TABLE_FULL ? "nonce_table_full" : "replayed_nonce").inc();
            challenge(ex, register, true);
            return;
        }
        throttle.succeeded(throttled);
        removeOurCredentials(req, headerName);
        ex.authenticatedAs(creds.username());
        chain.proceed(ex);
    }

    /** The user a request claims to be, before its credentials say: the To of a REGISTER, the From of the others. */
    private static String claimedUser(SipServletRequest req, boolean register) {
        javax.servlet.sip.URI uri = (register ? req.getTo() : req.getFrom()).getURI();
        return uri instanceof javax.servlet.sip.SipURI sip && sip.getUser() != null ? sip.getUser() : "";
    }

    private boolean needsAuthentication(SipServletRequest req) {
        if (!settings.enabled()) return false;
        String m = req.getMethod();
        if ("ACK".equals(m) || "CANCEL".equals(m)) return false;
        // A trusted peer (a backend, a push application server) is trusted for its calls and
        // subscriptions, never to register a user: over UDP its address can be forged.
        if ("REGISTER".equals(m)) return domain.isLocal(req.getRequestURI());
        if (settings.trustedPeers().contains(req.getInitialRemoteAddr())) return false;
        return domain.localUser(req.getFrom().getURI()) != null;
    }

    private DigestCredentials ourCredentials(SipServletRequest req, String headerName) {
        for (ListIterator<String> it = req.getHeaders(headerName); it.hasNext(); ) {
            DigestCredentials c = DigestCredentials.parse(it.next());
            if (c != null && settings.realm().equals(c.realm())) return c;
        }
        return null;
    }

    /** Credentials for our realm never leave this server; those for other realms stay for the next hop. */
    private void removeOurCredentials(SipServletRequest req, String headerName) {
        java.util.List<String> keep = new java.util.ArrayList<>();
        for (ListIterator<String> it = req.getHeaders(headerName); it.hasNext(); ) {
            String h = it.next();
            DigestCredentials c = DigestCredentials.parse(h);
            if (c == null || !settings.realm().equals(c.realm())) keep.add(h);
        }
        req.removeHeader(headerName);
        for (String h : keep) req.addHeader(headerName, h);
    }

    private void challenge(Exchange ex, boolean register, boolean stale) throws IOException {
        SipServletResponse r = register ? ex.response(401, "Unauthorized") : ex.response(407, "Proxy Authentication Required");
        String header = register ? "WWW-Authenticate" : "Proxy-Authenticate";
        String nonce = nonces.issue();
        // RFC 8760 section 2.4: one challenge per algorithm, in the configured order of preference
        List<DigestAlgorithm> algorithms = settings.challengeAlgorithms();
        for (int i = 0; i < algorithms.size(); i++) {
            String value = "Digest realm=\"" + settings.realm() + "\", nonce=\"" + nonce + "\", qop=\"auth\", algorithm="
                    + algorithms.get(i).token() + (stale ? ", stale=true" : "");
            if (i == 0) r.setHeader(header, value);
            else StackHeaders.add(r, header, value);
        }
        ex.send(r);
    }

    private static long parseNc(String nc) {
        if (nc == null) return 1; // RFC 2069 client without qop: the nonce may be used once
        try {
            return Long.parseLong(nc, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
