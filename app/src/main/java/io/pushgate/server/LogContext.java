package io.pushgate.server;

import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipURI;
import org.slf4j.MDC;

/** The call-id and user of the SIP message being handled, in the logging context (the JSON log writes them). */
final class LogContext {
    private LogContext() {}

    static void enter(SipServletMessage m) {
        MDC.put("call-id", m.getCallId());
        if (m.getFrom().getURI() instanceof SipURI u && u.getUser() != null) MDC.put("user", u.getUser());
    }

    static void leave() {
        MDC.remove("call-id");
        MDC.remove("user");
    }
}
