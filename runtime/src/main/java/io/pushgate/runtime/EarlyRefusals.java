package io.pushgate.runtime;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * What must be refused before the container sees it: a request of another SIP version than 2.0
 * (marked by {@link StrictMessageParser}) gets 505, one whose Request-URI has an IPv6 host
 * without brackets (marked there too) 400; an INVITE without Contact (RFC 2543 allowed
 * it) gets 400, where the container would fail to make its transaction and answer 500; a method
 * the application router does not route gets 405, where the container would relay it itself,
 * past every check of the application (an open relay for any unknown method).
 */
public final class EarlyRefusals extends RequestValve {
    private static final String MARK = StrictMessageParser.VERSION_MARK + ":";
    private static final String BARE_IPV6 = StrictMessageParser.BARE_IPV6_MARK + ":";
    private static final java.util.Set<String> ALLOWED = allowed();
    private static final String ALLOW = String.join(", ", new java.util.TreeSet<>(ALLOWED));

    private static java.util.Set<String> allowed() {
        java.util.Set<String> methods = new java.util.HashSet<>(java.util.List.of(SipContainer.ROUTED_METHODS));
        methods.add(Request.ACK);
        methods.add(Request.CANCEL);
        return java.util.Set.copyOf(methods);
    }

    /** What a refused request is answered: status, reason, and a header to add (or nulls). */
    public record Refusal(int status, String reason, String header, String value) {}

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        Refusal r = refusal(request);
        if (r == null) return true;
        StackValves.answer(request, channel, r.status(), r.reason(), r.header(), r.value());
        return false;
    }

    /** The refusal of a request as parsed by {@link StrictMessageParser}, or null when it goes on. */
    public static Refusal refusal(SIPRequest request) {
        var unparsed = request.getUnrecognizedHeaders();
        while (unparsed.hasNext()) {
            String line = unparsed.next();
            if (line.regionMatches(true, 0, MARK, 0, MARK.length())) {
                return new Refusal(Response.VERSION_NOT_SUPPORTED, "Version Not Supported", null, null);
            }
            if (line.regionMatches(true, 0, BARE_IPV6, 0, BARE_IPV6.length())) {
                return new Refusal(Response.BAD_REQUEST, "IPv6 Address Without Brackets", null, null);
            }
        }
        if (!ALLOWED.contains(request.getMethod())) return new Refusal(Response.METHOD_NOT_ALLOWED, "Method Not Allowed", "Allow", ALLOW);
        if (Request.INVITE.equals(request.getMethod()) && request.getHeader("Contact") == null) {
            return new Refusal(Response.BAD_REQUEST, "Missing Contact", null, null);
        }
        return null;
    }
}
