package io.pushgate.registrar;

import io.pushgate.sip.SipUris;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;

/**
 * A REGISTER parsed once, as RFC 3261 section 10.3 reads it: whose it is, its contacts with the
 * expiry each asks for, the wildcard, Call-ID and CSeq, and where it came from (relayed: through a
 * proxy, more than one Via, so its source is that proxy's address). The registrar and
 * the gateway's registrar share it, and its rules are plain functions of it (RegisterRequestTest).
 */
public record RegisterRequest(String aor, String callId, long cseq, int expiresHeader, boolean wildcard, List<Contact> contacts,
                              List<String> path, String transport, String sourceAddress, int sourcePort, boolean relayed, String userAgent) {

    /**
     * One Contact as sent: its URI text (every parameter kept), the parts of a SIP URI the roles
     * need, its header parameters in order, and the expiry and q it asks for (-1 when absent).
     */
    public record Contact(String header, String uri, boolean sip, String user, String host, int port, boolean secure,
                          String transportParam, Map<String, String> uriParams, Map<String, String> headerParams,
                          int expires, float q) {
        public String headerParam(String name) {
            for (Map.Entry<String, String> e : headerParams.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
            return null;
        }

        /** The header parameters as ";name=value" text, in the order sent. */
        public String headerParamText() {
            StringBuilder b = new StringBuilder();
            headerParams.forEach((n, v) -> {
                b.append(';').append(n);
                if (v != null && !v.isEmpty()) b.append('=').append(v);
            });
            return b.toString();
        }
    }

    public RegisterRequest {
        contacts = List.copyOf(contacts);
        path = List.copyOf(path);
    }

    /** Reads the request's headers; a Contact, To or CSeq that does not parse is a ServletParseException (400). */
    public static RegisterRequest of(SipServletRequest req) throws ServletParseException {
        List<Contact> contacts = new ArrayList<>();
        boolean wildcard = false;
        for (ListIterator<Address> it = req.getAddressHeaders("Contact"); it.hasNext(); ) {
            Address a = it.next();
            if (a.isWildcard()) wildcard = true;
            else contacts.add(contact(a));
        }
        List<String> path = new ArrayList<>();
        for (ListIterator<String> it = req.getHeaders("Path"); it.hasNext(); ) path.add(it.next());
        String transport = req.getInitialTransport() == null ? "udp" : req.getInitialTransport().toLowerCase();
        ListIterator<String> vias = req.getHeaders("Via");
        if (vias.hasNext()) vias.next();
        return new RegisterRequest(SipUris.aor(req.getTo().getURI()), req.getCallId(), SipUris.cseq(req), req.getExpires(), wildcard,
                contacts, path, transport, req.getInitialRemoteAddr(), req.getInitialRemotePort(), vias.hasNext(), req.getHeader("User-Agent"));
    }

    private static Contact contact(Address a) {
        Map<String, String> headerParams = new LinkedHashMap<>();
        for (Iterator<String> it = a.getParameterNames(); it.hasNext(); ) {
            String n = it.next();
            String v = a.getParameter(n);
            headerParams.put(n, v == null ? "" : v);
        }
        String uri = a.getURI().toString();
        // read from the parameters: the container's Address.getExpires() fails on a tel: contact
        int expires = number(headerParams, "expires", -1);
        float q = number(headerParams, "q", -1f);
        if (a.getURI() instanceof SipURI s) {
            return new Contact(a.toString(), uri, true, s.getUser(), s.getHost(), s.getPort(), s.isSecure(), s.getTransportParam(),
                    Collections.unmodifiableMap(SipUris.parameters(s)), Collections.unmodifiableMap(headerParams), expires, q);
        }
        return new Contact(a.toString(), uri, false, null, null, -1, false, null, Map.of(), Collections.unmodifiableMap(headerParams),
                expires, q);
    }

    private static int number(Map<String, String> params, String name, int absent) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                try {
                    return Math.max(0, Integer.parseInt(e.getValue().trim()));
                } catch (NumberFormatException bad) {
                    return absent;
                }
            }
        }
        return absent;
    }

    private static float number(Map<String, String> params, String name, float absent) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                try {
                    return Float.parseFloat(e.getValue().trim());
                } catch (NumberFormatException bad) {
                    return absent;
                }
            }
        }
        return absent;
    }

    /** RFC 3261 section 10.3 step 6: "*" only alone and with Expires: 0. */
    public boolean wildcardMisused() {
        return wildcard && (!contacts.isEmpty() || expiresHeader != 0);
    }

    /** The expiry a contact asks for: its own parameter, else the Expires header, else the registrar's default. */
    public int askedExpiry(Contact c, int defaultExpires) {
        return c.expires() >= 0 ? c.expires() : expiresHeader >= 0 ? expiresHeader : defaultExpires;
    }

    /** RFC 3261 section 10.3 step 7: a binding refreshed by the same Call-ID needs a higher CSeq. */
    public boolean outOfOrderFor(BindingRecord existing) {
        return existing != null && existing.callId().equals(callId) && existing.cseq() >= cseq;
    }

    /** The binding id this contact keeps or replaces (RFC 5626: by instance and reg-id when given). */
    public String bindingId(String aor, Contact c) {
        return ContactBinding.id(aor, c.headerParam("+sip.instance"), c.headerParam("reg-id"), c.uri());
    }
}
