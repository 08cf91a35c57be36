package io.pushgate.sip;

import javax.servlet.sip.SipServletMessage;
import javax.sip.PeerUnavailableException;
import javax.sip.header.HeaderFactory;
import org.mobicents.servlet.sip.core.message.MobicentsSipServletMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the container will not let an application do through the servlet API: add Path to a
 * registrar's 200 (a "system header" to it) or a second challenge header (it keeps one per name),
 * and set a CSeq. It is done on the SIP stack's message underneath the servlet message.
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

    /**
     * Sets the CSeq number of a request the application is about to send: for a request the
     * container copies from a session's first one (a refresh, an answer to a challenge) it counts
     * from that first request, not from the last one sent.
     */
    public static void setCseq(SipServletMessage request, long cseq) {
        if (request instanceof MobicentsSipServletMessage m && m.getMessage().getHeader(javax.sip.header.CSeqHeader.NAME) instanceof javax.sip.header.CSeqHeader h) {
            try {
                h.setSeqNumber(cseq);
            } catch (javax.sip.InvalidArgumentException e) {
                throw new IllegalArgumentException("CSeq " + cseq + ": " + e.getMessage(), e);
            }
        }
    }

    /** Header lines the stack could not parse and kept aside (it drops them from the servlet API's view). */
    public static java.util.List<String> unparsed(SipServletMessage message) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        if (message instanceof MobicentsSipServletMessage m && m.getMessage() instanceof gov.nist.javax.sip.message.SIPMessage s) {
            s.getUnrecognizedHeaders().forEachRemaining(lines::add);
        }
        return lines;
    }

    private static HeaderFactory headerFactory() {
        try {
            return javax.sip.SipFactory.getInstance().createHeaderFactory();
        } catch (PeerUnavailableException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
