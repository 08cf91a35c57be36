package io.pushgate.regevent;

import java.util.concurrent.ScheduledFuture;
import javax.servlet.sip.SipSession;

/** One watcher of one AOR: its dialog, the version of the last document sent, and its expiry timer. */
final class RegSubscription {
    private final String aor;
    private final SipSession session;
    private final String watcher;
    private long version = -1;
    private long expiresAt;
    private ScheduledFuture<?> expiry;
    private boolean ended;

    RegSubscription(String aor, SipSession session, String watcher) {
        this.aor = aor;
        this.session = session;
        this.watcher = watcher;
    }

    String aor() { return aor; }
    SipSession session() { return session; }
    String watcher() { return watcher; }

    /** RFC 3680 section 5.2: every document of a subscription has the next version number, from 0. */
    synchronized long nextVersion() { return ++version; }

    synchronized long expiresAt() { return expiresAt; }

    synchronized void expireAt(long at, ScheduledFuture<?> timer) {
        if (expiry != null) expiry.cancel(false);
        this.expiresAt = at;
        this.expiry = timer;
    }

    synchronized boolean ended() { return ended; }

    synchronized void end() {
        ended = true;
        if (expiry != null) expiry.cancel(false);
    }
}
