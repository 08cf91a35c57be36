package io.pushgate.testing;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.text.ParseException;
import javax.sip.PeerUnavailableException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.mobicents.servlet.sip.message.SipFactoryImpl;

/**
 * The container's own SIP message classes outside the container: jain-sip parses the text and
 * the container's servlet messages wrap it, so a step under test reads headers, addresses and
 * URIs exactly as it does when deployed.
 */
public final class SipText {
    private static final SipFactoryImpl FACTORY;

    static {
        try {
            SipFactoryImpl.sipFactory = javax.sip.SipFactory.getInstance();
            SipFactoryImpl.sipFactory.setPathName("gov.nist");
            SipFactoryImpl.messageFactory = SipFactoryImpl.sipFactory.createMessageFactory();
            SipFactoryImpl.headerFactory = SipFactoryImpl.sipFactory.createHeaderFactory();
            SipFactoryImpl.addressFactory = SipFactoryImpl.sipFactory.createAddressFactory();
            FACTORY = new SipFactoryImpl();
        } catch (PeerUnavailableException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private SipText() {}

    /** The container's SipFactory: createURI, createAddress and the like work without a container. */
    public static SipFactoryImpl factory() {
        return FACTORY;
    }

    /** Replaces a message's body on the stack's message underneath. */
    static void setContent(javax.sip.message.Message message, Object content, String contentType) {
        try {
            byte[] bytes = content instanceof byte[] b ? b : content.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String[] type = contentType.split("/", 2);
            message.setContent(bytes, SipFactoryImpl.headerFactory.createContentTypeHeader(type[0], type[1]));
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Parses a request as the stack does on arrival: a header that does not parse is kept aside
     * as unrecognized, except the ones a transaction needs (From, To, CSeq, Via, Call-ID,
     * Content-Length), whose failure fails the message. Lines may end in \n; a Content-Length is
     * added when missing.
     */
    static Request request(String text) {
        try {
            return (Request) new StringMsgParser().parseSIPMessage(normalize(text).getBytes(java.nio.charset.StandardCharsets.UTF_8), true,
                    false, SipText::asTheStackDoes);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a SIP request: " + e.getMessage() + "\n" + text, e);
        }
    }

    static Response response(int status, Request request) {
        try {
            return SipFactoryImpl.messageFactory.createResponse(status, request);
        } catch (ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static final java.util.Set<Class<?>> ESSENTIAL = java.util.Set.of(From.class, To.class, CSeq.class, Via.class, CallID.class,
            ContentLength.class, RequestLine.class, StatusLine.class);

    private static void asTheStackDoes(ParseException e, SIPMessage message, Class<?> header, String line, String raw) throws ParseException {
        if (header != null && ESSENTIAL.contains(header)) throw e;
        message.addUnparsed(line);
    }

    private static String normalize(String text) {
        String t = text.replace("\r\n", "\n");
        int blank = t.indexOf("\n\n");
        String head = blank < 0 ? t.strip() : t.substring(0, blank);
        String body = blank < 0 ? "" : t.substring(blank + 2);
        if (!head.toLowerCase().contains("\ncontent-length:")) head += "\nContent-Length: " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return (head + "\n\n").replace("\n", "\r\n") + body;
    }
}
