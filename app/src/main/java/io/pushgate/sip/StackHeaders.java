package io.pushgate.sip;

import javax.servlet.sip.SipServletMessage;
import javax.sip.PeerUnavailableException;
import javax.sip.header.HeaderFactory;
import org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds headers the container will not let an application add through the servlet API: Path in a
 * registrar's 200 (a "system header" to it) and a second challenge header (it keeps one per
 * name). They go onto the SIP stack's message underneath the servlet message.
 */
public final class StackHeaders {
    private static final Logger log = LoggerFactory.getLogger(StackHeaders.class);
    private static final HeaderFactory HEADERS = headerFactory();

    private StackHeaders() {}

    /** Appends the header; false (and a debug line) outside the SIP Servlet container or for a value the stack cannot parse. */
    public static boolean add(SipServletMessage message, String name, String value) {
        if (HEADERS == null || !(message instanceof MobicentsSipServletMessage m)) {
            log.debug("{} not added: not running in the SIP Servlet container", name);
            return false;
        }
        try {
            m.getMessage().addHeader(HEADERS.createHeader(name, value));
            return true;
        } catch (java.text.ParseException e) {
            log.warn("{} header not added to {}: {}", name, message.getCallId(), e.getMessage());
            return false;
        }
    }

    private static HeaderFactory headerFactory() {
        try {
            return javax.sip.SipFactory.getInstance().createHeaderFactory();
        } catch (PeerUnavailableException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
