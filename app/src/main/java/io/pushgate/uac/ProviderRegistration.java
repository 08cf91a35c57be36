package io.pushgate.uac;

import io.pushgate.auth.DigestChallenge;
import io.pushgate.pipeline.FinishedTransactions;
import io.pushgate.sip.StackHeaders;
import java.io.IOException;
import java.util.ListIterator;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registration with a provider as it runs (RFC 3261 section 10.2): one Call-ID for as long as
 * it succeeds, a CSeq that only grows (refreshes and the final unREGISTER included), challenges
 * answered once per realm (a stale nonce once more, not counted as a failure), refreshes before
 * the granted expiry, and retries that never give up unless configured to.
 */
final class ProviderRegistration {
    private static final Logger log = LoggerFactory.getLogger(ProviderRegistration.class);
    static final String ATTRIBUTE = ProviderRegistration.class.getName();

    enum State {
        WAITING("waiting"), REGISTERING("registering"), REGISTERED("registered"), RETRYING("retrying"),
        WRONG_CREDENTIALS("wrong credentials"), UNREGISTERING("unregistering"), UNREGISTERED("unregistered"), DISABLED("disabled");

        final String text;

        State(String text) { this.text = text; }
    }

    private final RemoteRegistration row;
    private final UacSettings settings;
    private final String contactAddress;
    private final SipFactory factory;
    private final RemoteRegistrationTable table;
    private final ScheduledExecutorService timers;
    private final LongSupplier clock;

    private State state = State.WAITING;
    /** The current Call-ID's session; null before the first REGISTER and after a failure. */
    private SipSession session;
    private long cseq;
    private int expiresAsked;
    /** The provider's Min-Expires from a 423, asked for from then on. */
    private int minimumExpires;
    private int nonceCount;
    /** Challenges answered since the last REGISTER sent without credentials: a bound, whatever the provider says. */
    private int challengesAnswered;
    private int failures;
    private long lastSuccess;
    private ScheduledFuture<?> timer;
    /** Run once the unREGISTER in flight is answered (remove, disable), or null. */
    private Runnable afterUnregister;
    private boolean stopped;

    ProviderRegistration(RemoteRegistration row, UacSettings settings, String defaultContactAddress, SipFactory factory,
                         RemoteRegistrationTable table, ScheduledExecutorService timers, LongSupplier clock) {
        this.row = row;
        this.settings = settings;
        this.contactAddress = row.contactAddr() == null || row.contactAddr().isBlank() ? defaultContactAddress : row.contactAddr().trim();
        this.factory = factory;
        this.table = table;
        this.timers = timers;
        this.clock = clock;
        this.expiresAsked = row.expires();
    }

    RemoteRegistration row() { return row; }

    synchronized State state() { return state; }

    /** The Contact this registration binds at the provider. */
    String contactUri() {
        boolean named = row.contactUser() != null && !row.contactUser().isBlank();
        return "sip:" + (named ? row.contactUser() : row.lUuid()) + "@" + contactAddress + (named ? ";line=" + row.lUuid() : "");
    }

    /** Registers after {@code delayMs}. */
    synchronized void startIn(long delayMs) {
        if (stopped) return;
        if (row.disabled()) {
            report(State.DISABLED, 0, "disabled", 0);
            return;
        }
        schedule(delayMs, this::registerNow);
        report(State.WAITING, 0, null, clock.getAsLong() + delayMs);
    }

    /** Registers at once (the operator's "register now", or a refresh). */
    synchronized void registerNow() {
        if (stopped) return;
        expiresAsked = Math.max(row.expires(), minimumExpires);
        send(expiresAsked);
    }

    /** Sends Expires: 0 on the current Call-ID when registered, then runs {@code then}; runs it at once otherwise. */
    synchronized void unregister(Runnable then) {
        cancelTimer();
        boolean bound = state == State.REGISTERED || state == State.REGISTERING || state == State.RETRYING;
        if (!bound || session == null) {
            report(State.UNREGISTERED, 0, null, 0);
            if (then != null) then.run();
            return;
        }
        afterUnregister = then;
        expiresAsked = 0;
        send(0);
    }

    /** Stops every timer; nothing more is sent. */
    synchronized void stop() {
        stopped = true;
        cancelTimer();
    }

    private void send(int expires) {
        challengesAnswered = 0;
        try {
            SipServletRequest req = newRequest();
            req.setHeader("Contact", "<" + contactUri() + ">");
            req.setExpires(expires);
            sendWithCseq(req);
            report(expires == 0 ? State.UNREGISTERING : State.REGISTERING, 0, null, 0);
        } catch (IOException | ServletParseException | RuntimeException e) {
            log.warn("remote registration {}: REGISTER not sent: {}", row.lUuid(), e.toString());
            failed(0, e.getMessage(), 0);
        }
    }

    /** A REGISTER on the current Call-ID, or on a new one when there is none. */
    private SipServletRequest newRequest() throws ServletParseException {
        if (session == null || !session.isValid()) {
            SipApplicationSession app = factory.createApplicationSession();
            app.setAttribute(FinishedTransactions.KEPT, Boolean.TRUE);
            Address aor = factory.createAddress("<sip:" + row.rUsername() + "@" + row.rDomain() + ">");
            SipServletRequest req = factory.createRequest(app, "REGISTER", aor, (Address) aor.clone());
            session = req.getSession();
            session.setAttribute(ATTRIBUTE, this);
            // the Call-ID lives in this session: the container must not end it when a REGISTER's transaction is over
            session.setInvalidateWhenReady(false);
            app.setInvalidateWhenReady(false);
            cseq = 0;
            nonceCount = 0;
            route(req);
            return req;
        }
        // a copy of the session's first REGISTER: its Request-URI and Route come along
        SipServletRequest req = session.createRequest("REGISTER");
        req.removeHeader("Authorization");
        req.removeHeader("Proxy-Authorization");
        return req;
    }

    private void route(SipServletRequest req) throws ServletParseException {
        req.setRequestURI(factory.createURI("sip:" + row.rDomain()));
        if (row.outboundRoute() != null) req.pushRoute(factory.createAddress(row.outboundRoute()));
    }

    /** Sends with the next CSeq of this Call-ID. */
    private void sendWithCseq(SipServletRequest req) throws IOException {
        StackHeaders.setCseq(req, ++cseq);
        req.send();
    }

    /** A response to one of our REGISTERs. */
    synchronized void onResponse(SipServletResponse resp) {
        int status = resp.getStatus();
        if (status < 200 || stopped && afterUnregister == null) return;
        if (status < 300) {
            succeeded(resp);
        } else if (status == 401 || status == 407) {
            challenged(resp);
        } else if (status == 423) {
            int min = parseInt(resp.getHeader("Min-Expires"), 0);
            int next = min > expiresAsked ? min : Math.max(expiresAsked * 2, 60);
            log.info("remote registration {}: {} asks for at least {} s, registering for {} s", row.lUuid(), row.rDomain(), min, next);
            expiresAsked = next;
            minimumExpires = next;
            send(next);
        } else if (status == 403) {
            wrongCredentials(status, resp.getReasonPhrase());
        } else {
            failed(status, resp.getReasonPhrase(), parseInt(resp.getHeader("Retry-After"), 0));
        }
    }

    private void succeeded(SipServletResponse resp) {
        if (expiresAsked == 0) {
            log.info("remote registration {} unregistered from {}", row.lUuid(), row.rDomain());
            report(State.UNREGISTERED, resp.getStatus(), resp.getReasonPhrase(), 0);
            Runnable then = afterUnregister;
            afterUnregister = null;
            if (then != null) then.run();
            return;
        }
        int granted = grantedExpiry(resp);
        failures = 0;
        lastSuccess = clock.getAsLong();
        long refreshIn = settings.refreshInMs(granted);
        schedule(refreshIn, this::registerNow);
        // the Call-ID lives in this session: it must outlast the refreshes (the container's default is 4 hours)
        session.getApplicationSession().setExpires(Math.max(granted / 60 + 5, 10));
        log.info("remote registration {} registered with {} for {} s (Call-ID {}, CSeq {}), refreshed in {} s", row.lUuid(), row.rDomain(),
                granted, session.getCallId(), cseq, refreshIn / 1000);
        report(State.REGISTERED, resp.getStatus(), resp.getReasonPhrase(), clock.getAsLong() + refreshIn);
    }

    /** The expiry the provider granted our contact: its own parameter in the 200, else Expires, else what we asked. */
    private int grantedExpiry(SipServletResponse resp) {
        String ours = contactUri();
        String ourUser = ours.substring(4, ours.indexOf('@'));
        try {
            for (ListIterator<Address> it = resp.getAddressHeaders("Contact"); it.hasNext(); ) {
                Address a = it.next();
                String uri = a.getURI().toString();
                if (uri.startsWith("sip:" + ourUser + "@") && (row.contactUser() == null || row.contactUser().isBlank() || uri.contains("line=" + row.lUuid()))) {
                    String e = a.getParameter("expires");
                    if (e != null) return Math.max(1, parseInt(e, expiresAsked));
                }
            }
        } catch (ServletParseException | RuntimeException e) {
            log.debug("remote registration {}: unreadable Contact in the 200: {}", row.lUuid(), e.toString());
        }
        int header = resp.getExpires();
        return header > 0 ? header : expiresAsked;
    }

    private void challenged(SipServletResponse resp) {
        DigestChallenge challenge = DigestChallenge.of(resp);
        if (challenge == null) {
            wrongCredentials(resp.getStatus(), "no digest challenge this client can answer");
            return;
        }
        if (++challengesAnswered > 3 || resp.getRequest() != null && challenge.refuses(resp.getRequest(), resp.getStatus() == 407)) {
            wrongCredentials(resp.getStatus(), resp.getReasonPhrase());
            return;
        }
        String authorization = challenge.answer(new DigestChallenge.Secret(row.authUsername(), row.authPassword(), row.authHa1()),
                "REGISTER", "sip:" + row.rDomain(), ++nonceCount);
        if (authorization == null) {
            wrongCredentials(resp.getStatus(), "only an MD5 HA1 is stored and the provider asks for " + challenge.algorithm().token());
            return;
        }
        try {
            SipServletRequest req = newRequest();
            req.setHeader("Contact", "<" + contactUri() + ">");
            req.setExpires(expiresAsked);
            req.setHeader(DigestChallenge.answerHeader(resp), authorization);
            sendWithCseq(req);
        } catch (IOException | ServletParseException | RuntimeException e) {
            failed(0, e.getMessage(), 0);
        }
    }

    private void wrongCredentials(int status, String reason) {
        log.warn("remote registration {}: {} refused the credentials ({} {}); trying again in {} s", row.lUuid(), row.rDomain(), status,
                reason, settings.credentialsRetrySeconds());
        failures++;
        newCallIdNextTime();
        if (disableIfConfigured(status, reason)) return;
        long in = settings.credentialsRetrySeconds() * 1000L;
        schedule(in, this::registerNow);
        report(State.WRONG_CREDENTIALS, status, reason, clock.getAsLong() + in);
    }

    private void failed(int status, String reason, int retryAfterSeconds) {
        failures++;
        newCallIdNextTime();
        if (expiresAsked == 0 && afterUnregister != null) {
            // an unREGISTER that fails still lets the removal or the disabling go on; the binding expires at the provider
            report(State.UNREGISTERED, status, reason, 0);
            Runnable then = afterUnregister;
            afterUnregister = null;
            then.run();
            return;
        }
        if (disableIfConfigured(status, reason)) return;
        long in = settings.retryInMs(failures, retryAfterSeconds, ThreadLocalRandom.current().nextDouble());
        log.warn("remote registration {} with {} failed ({} {}), attempt {}; retrying in {} ms", row.lUuid(), row.rDomain(),
                status == 0 ? "no answer" : status, reason, failures, in);
        schedule(in, this::registerNow);
        report(State.RETRYING, status, reason, clock.getAsLong() + in);
    }

    private boolean disableIfConfigured(int status, String reason) {
        if (settings.disableAfterFailures() == 0 || failures < settings.disableAfterFailures()) return false;
        log.warn("remote registration {} disabled after {} failed attempts ([uac] disable-after-failures)", row.lUuid(), failures);
        table.setDisabled(row.lUuid(), true);
        report(State.DISABLED, status, reason, 0);
        return true;
    }

    /** RFC 3261 section 10.2.4 keeps one Call-ID while registrations succeed; after a failure a new one starts. */
    private void newCallIdNextTime() {
        SipSession old = session;
        session = null;
        if (old != null) {
            try {
                if (old.getApplicationSession().isValid()) old.getApplicationSession().setInvalidateWhenReady(true);
            } catch (IllegalStateException gone) {
                // already ended
            }
        }
    }

    private void schedule(long delayMs, Runnable action) {
        cancelTimer();
        timer = timers.schedule(() -> {
            synchronized (this) {
                if (!stopped) action.run();
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) timer.cancel(false);
        timer = null;
    }

    private void report(State next, int status, String reason, long nextAttempt) {
        state = next;
        try {
            table.report(row.lUuid(), next.text, status, reason, failures, lastSuccess, nextAttempt);
        } catch (RuntimeException e) {
            log.warn("remote registration {}: state {} not stored: {}", row.lUuid(), next.text, e.toString());
        }
    }

    private static int parseInt(String s, int dflt) {
        try {
            return s == null ? dflt : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
