package io.pushgate.runtime;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.ContentType;
import gov.nist.javax.sip.header.Expires;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.NameMap;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.Lexer;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import io.pushgate.sip.SipUris;
import java.text.ParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stack's parser, with three things it lets pass that RFC 3261 does not (RFC 4475 sections
 * 3.1.2.16 and 3.3.8, RFC 5118 section 4.2): a request line of another SIP version, which it would
 * read as SIP/2.0, an IPv6 address without brackets as the Request-URI's host, which it would read
 * as bracketed, and a second value of a header that takes one, which it would silently keep or
 * drop. The first two are marked on the message for {@link EarlyRefusals} to answer 505 and 400;
 * a repeated header is reported as a header that does not parse, which the stack answers 400 (To,
 * From, Call-ID, CSeq, Content-Length) or hands to the application as unparsed (the others,
 * refused there).
 */
public final class StrictMessageParser extends StringMsgParser {
    /** The unparsed line carrying a request line's version other than SIP/2.0. */
    static final String VERSION_MARK = "Pushgate-Received-Version";
    /** The unparsed line marking a Request-URI whose IPv6 host has no brackets. */
    static final String BARE_IPV6_MARK = "Pushgate-Received-Bare-IPv6";

    // Not Content-Length, which every message is made with before its headers are read: counted
    // instead, per message.
    private static final Map<Class<?>, String> SINGLE = Map.of(To.class, "To", From.class, "From", CallID.class, "Call-ID",
            CSeq.class, "CSeq", MaxForwards.class, "Max-Forwards", ContentType.class, "Content-Type", Expires.class, "Expires");

    /** Named by the stack's MESSAGE_PARSER_FACTORY property. */
    public static final class Factory implements MessageParserFactory {
        @Override
        public MessageParser createMessageParser(SIPTransactionStack stack) {
            return new StrictMessageParser();
        }
    }

    // The UDP channel's policy for a header that does not parse; the stream channels pass no
    // listener, and the header would vanish without a word.
    private static final Set<Class<?>> ESSENTIAL = Set.of(From.class, To.class, CSeq.class, Via.class, CallID.class,
            ContentLength.class, RequestLine.class, StatusLine.class);

    private static void asTheUdpChannelDoes(ParseException e, SIPMessage message, Class<?> header, String line, String raw) throws ParseException {
        if (header != null && ESSENTIAL.contains(header)) throw e;
        message.addUnparsed(line);
    }

    // A stream connection's parser is shared by the threads that parse its messages: the count
    // lives with the thread, which parses a message from its first line to its last header.
    private static final Map<String, Class<?>> TYPES = new ConcurrentHashMap<>();
    private static final ThreadLocal<int[]> CONTENT_LENGTHS = ThreadLocal.withInitial(() -> new int[1]);

    @Override
    public SIPMessage parseSIPMessage(byte[] message, boolean readBody, boolean strict, ParseExceptionListener listener) throws ParseException {
        return super.parseSIPMessage(message, readBody, strict, listener != null ? listener : StrictMessageParser::asTheUdpChannelDoes);
    }

    @Override
    protected SIPMessage processFirstLine(String line, ParseExceptionListener listener, byte[] raw) throws ParseException {
        CONTENT_LENGTHS.get()[0] = 0;
        SIPMessage message = super.processFirstLine(line, listener, raw);
        String version = line.strip();
        version = version.substring(version.lastIndexOf(' ') + 1);
        if (!line.startsWith("SIP/") && !version.equalsIgnoreCase("SIP/2.0")) message.addUnparsed(VERSION_MARK + ": " + version);
        if (!line.startsWith("SIP/") && bareIpv6Host(line.strip())) message.addUnparsed(BARE_IPV6_MARK + ": yes");
        return message;
    }

    /** Whether a request line's sip: or sips: URI has a host with colons outside brackets ("sip:2001:db8::10"). */
    static boolean bareIpv6Host(String requestLine) {
        int start = requestLine.indexOf(' ') + 1;
        int end = requestLine.lastIndexOf(' ');
        if (start <= 0 || end <= start) return false;
        String uri = requestLine.substring(start, end).toLowerCase(java.util.Locale.ROOT);
        if (!uri.startsWith("sip:") && !uri.startsWith("sips:")) return false;
        String rest = uri.substring(uri.indexOf(':') + 1);
        int params = rest.length();
        for (char c : new char[] {';', '?'}) {
            int i = rest.indexOf(c, Math.max(0, rest.lastIndexOf('@')));
            if (i >= 0) params = Math.min(params, i);
        }
        String hostPort = rest.substring(rest.lastIndexOf('@', params) + 1, params);
        return !hostPort.startsWith("[") && hostPort.indexOf(':') != hostPort.lastIndexOf(':');
    }

    @Override
    protected void processHeader(String header, SIPMessage message, ParseExceptionListener listener, byte[] raw) throws ParseException {
        // a line without a colon has no name: the stack's own parser says what becomes of it
        String headerName = header == null ? null : Lexer.getHeaderName(header);
        Class<?> type = headerName == null ? null : typeOf(headerName);
        if (headerName != null) {
            String name = type == null ? null : type == ContentLength.class ? "Content-Length" : SINGLE.get(type);
            boolean repeated = type == ContentLength.class ? ++CONTENT_LENGTHS.get()[0] > 1 : name != null && message.getHeader(name) != null;
            if (repeated) {
                refuse(listener, "a second " + name, message, type, header, raw);
                return;
            }
        }
        super.processHeader(header, message, listener, raw);
        // found by the fuzzer: a Via's rport that is not a number parses, and then every response
        // made for the request fails (the stack reads it as a number when it copies the Via)
        if (type == Via.class && message.getViaHeaders() != null) {
            for (Object v : message.getViaHeaders()) {
                String rport = ((Via) v).getParameter("rport");
                if (rport != null && !rport.isEmpty() && !SipUris.digits(rport, 5)) {
                    refuse(listener, "a Via's rport is not a port", message, type, header, raw);
                    return;
                }
            }
        }
    }

    /**
     * The stack's class for a header name. NameMap calls Class.forName on every look-up, 4% of the
     * registrar's CPU at 2500 REGISTER/s; only names it knows are kept here, so this map is never
     * larger than its table whatever names a peer sends.
     */
    static Class<?> typeOf(String headerName) {
        String lower = headerName.toLowerCase(Locale.ROOT);
        Class<?> type = TYPES.get(lower);
        if (type == null) {
            type = NameMap.getClassFromName(lower);
            if (type != null) TYPES.put(lower, type);
        }
        return type;
    }

    private static void refuse(ParseExceptionListener listener, String why, SIPMessage message, Class<?> type, String header, byte[] raw)
            throws ParseException {
        listener.handleException(new ParseException(why, 0), message, type, header, raw == null ? null : new String(raw, java.nio.charset.StandardCharsets.UTF_8));
    }
}
