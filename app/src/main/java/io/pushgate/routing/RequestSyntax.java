package io.pushgate.routing;

import io.pushgate.sip.OptionTags;
import io.pushgate.sip.SipUris;
import io.pushgate.sip.StackHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.servlet.sip.SipServletRequest;

/**
 * What RFC 3261 refuses in a request that the stack let through leniently (RFC 4475's torture
 * messages show which): checked before any step spends work on the request, authentication
 * included. The stack itself answers 400 to a request whose From, To, CSeq, Via, Call-ID or
 * Content-Length does not parse, and keeps aside any other header that does not parse, out of
 * the servlet API's view; the runtime's stack valves answer another SIP version (505) and a
 * method the application is not given (405) before a request gets here.
 */
public final class RequestSyntax {
    /** The answer to a refused request; {@code unsupported} is the 420's Unsupported value. */
    public record Refusal(int status, String reason, String unsupported) {
        static Refusal of(int status, String reason) {
            return new Refusal(status, reason, null);
        }
    }

    private static final List<String> REQUIRED = List.of("Via", "From", "To", "Call-ID", "CSeq");
    // Headers that steer routing, registration or authentication: one that does not parse is an
    // error, where a broken informational one (Date, Subject, User-Agent) is ignored as RFC 4475 asks.
    private static final Set<String> STEERING = Set.of("max-forwards", "expires", "min-expires", "contact", "m", "route",
            "record-route", "path", "content-type", "c", "event", "o", "require", "proxy-require", "supported", "k",
            "authorization", "proxy-authorization", "reason", "allow-events", "u");
    private static final long MAX_EXPIRES = 0xFFFFFFFFL;
    // Addresses the steps read: found by the fuzzer, a From or Contact like "(sip:..." or "<s)p:...>".
    private static final List<String> ADDRESSES = List.of("From", "To", "Contact", "Path");

    private RequestSyntax() {}

    public static Optional<Refusal> check(SipServletRequest req) {
        for (String name : REQUIRED) {
            if (req.getHeader(name) == null) return Optional.of(Refusal.of(400, "Missing " + name));
        }
        for (String line : StackHeaders.unparsed(req)) {
            String name = line.substring(0, Math.max(0, line.indexOf(':'))).trim();
            if (STEERING.contains(name.toLowerCase(Locale.ROOT))) return Optional.of(Refusal.of(400, "Bad " + name));
        }
        // the stack keeps an address whose URI it cannot read as a generic URI, which the container then refuses to hand out
        for (String name : ADDRESSES) {
            if (!readableUris(req, name)) return Optional.of(Refusal.of(400, "Bad " + name));
        }
        String maxForwards = req.getHeader("Max-Forwards");
        if (maxForwards != null && !inRange(maxForwards, 255)) return Optional.of(Refusal.of(400, "Bad Max-Forwards"));
        String expires = req.getHeader("Expires");
        if (expires != null && !inRange(expires, MAX_EXPIRES)) return Optional.of(Refusal.of(400, "Bad Expires"));
        String scheme = req.getRequestURI().getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips")) return Optional.of(Refusal.of(416, "Unsupported URI Scheme"));
        if ("REGISTER".equals(req.getMethod()) && !req.getTo().getURI().isSipURI()) {
            return Optional.of(Refusal.of(400, "To Is Not A SIP Address Of Record")); // RFC 4475 section 3.3.4
        }
        // We implement no extension a proxy must understand (RFC 3261 section 16.3 item 5).
        String proxyRequire = OptionTags.unsupported(req, "Proxy-Require", Set.of());
        if (!proxyRequire.isEmpty()) return Optional.of(new Refusal(420, "Bad Extension", proxyRequire));
        return Optional.empty();
    }

    private static boolean readableUris(SipServletRequest req, String header) {
        try {
            for (var it = req.getAddressHeaders(header); it.hasNext(); ) {
                javax.servlet.sip.Address a = it.next();
                if (!a.isWildcard() && a.getURI() == null) return false;
            }
            return true;
        } catch (javax.servlet.sip.ServletParseException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean inRange(String value, long max) {
        String v = value.trim();
        return SipUris.digits(v, 12) && Long.parseLong(v) <= max;
    }
}
