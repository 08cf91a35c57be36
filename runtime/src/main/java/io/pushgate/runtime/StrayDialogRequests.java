package io.pushgate.runtime;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sip.ListeningPoint;
import javax.sip.SipStack;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A request inside a dialog (it has a To tag) that no Route brings here and whose Request-URI is
 * none of our listening points belongs to no dialog of ours: the container would relay it
 * statelessly to its Request-URI without the application seeing it, an open relay for any
 * in-dialog request, re-INVITEs included. It gets 481; such an ACK is dropped unless it is the
 * ACK of a non-2xx answer of ours (it goes to the INVITE's Request-URI, often a domain name, and
 * must reach its transaction). When a listening point has a wildcard address, which addresses
 * are ours is not known here and nothing is refused.
 */
final class StrayDialogRequests extends RequestValve {
    /** A listening point: its address as text (no brackets) and port. */
    record Listening(String host, int port, boolean wildcard) {}

    private volatile SipStack stack;

    @Override
    public void init(SipStack stack) {
        this.stack = stack;
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (stack == null || !stray(request, this::listening)) return true;
        if (Request.ACK.equals(request.getMethod())) return channel.getSIPStack().findTransaction(request, true) != null;
        StackValves.answer(request, channel, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "Call/Transaction Does Not Exist", null, null);
        return false;
    }

    // asked per request: connectors add their listening points after the stack started
    private List<Listening> listening() {
        List<Listening> out = new ArrayList<>();
        for (var it = stack.getListeningPoints(); it.hasNext(); ) {
            ListeningPoint p = (ListeningPoint) it.next();
            String host = p.getIPAddress().replace("[", "").replace("]", "");
            out.add(new Listening(host, p.getPort(), host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")));
        }
        return out;
    }

    /** {@code listening} is asked only for an in-dialog request without Route (most requests are not). */
    static boolean stray(SIPRequest request, java.util.function.Supplier<List<Listening>> listening) {
        if (request.getToTag() == null || request.getHeader("Route") != null) return false;
        List<Listening> ours = listening.get();
        if (ours.stream().anyMatch(Listening::wildcard)) return false;
        if (!(request.getRequestURI() instanceof SipURI uri)) return true;
        String host = uri.getHost().replace("[", "").replace("]", "").toLowerCase(Locale.ROOT);
        boolean secure = uri.isSecure() || "tls".equalsIgnoreCase(uri.getTransportParam());
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 5061 : 5060;
        return ours.stream().noneMatch(l -> l.port() == port && sameAddress(l.host(), host));
    }

    private static boolean sameAddress(String listening, String host) {
        if (listening.equalsIgnoreCase(host)) return true;
        try {
            // IPv6 written another way ("::1" and "0:0:0:0:0:0:0:1"); a name is never resolved here
            return host.indexOf(':') >= 0 && java.net.InetAddress.getByName(host).getHostAddress().equalsIgnoreCase(listening);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
