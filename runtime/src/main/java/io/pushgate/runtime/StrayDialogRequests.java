package io.pushgate.runtime;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
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
 * must reach its transaction). A listening point on a wildcard address stands for every address
 * of this machine's interfaces (read again every {@link #INTERFACES_SECONDS} s); when they cannot
 * be read, nothing is refused.
 */
final class StrayDialogRequests extends RequestValve {
    /** A listening point: its address as text (no brackets) and port. */
    record Listening(String host, int port) {}

    static final int INTERFACES_SECONDS = 10;

    private volatile SipStack stack;
    /** This machine's addresses as text (no brackets, no scope), and when they were read; null when unreadable. */
    private volatile List<String> machine;
    private volatile long machineReadAt;

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
        List<Listening> points = new ArrayList<>();
        for (var it = stack.getListeningPoints(); it.hasNext(); ) {
            ListeningPoint p = (ListeningPoint) it.next();
            points.add(new Listening(p.getIPAddress().replace("[", "").replace("]", ""), p.getPort()));
        }
        return expand(points, points.stream().anyMatch(p -> wildcard(p.host())) ? machineAddresses() : List.of());
    }

    /** The listening points, a wildcard one standing for each of {@code machine}; null when a wildcard's addresses are unknown. */
    static List<Listening> expand(List<Listening> points, List<String> machine) {
        List<Listening> out = new ArrayList<>();
        for (Listening p : points) {
            if (!wildcard(p.host())) {
                out.add(p);
                continue;
            }
            if (machine == null) return null;
            // 0.0.0.0 takes IPv4 only; Java's :: takes both
            for (String a : machine) if (p.host().indexOf(':') >= 0 || a.indexOf(':') < 0) out.add(new Listening(a, p.port()));
        }
        return out;
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    private List<String> machineAddresses() {
        long now = System.nanoTime();
        if (machineReadAt != 0 && now - machineReadAt < INTERFACES_SECONDS * 1_000_000_000L) return machine;
        List<String> read = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    String text = a.getHostAddress();
                    read.add(text.indexOf('%') >= 0 ? text.substring(0, text.indexOf('%')) : text);
                }
            }
        } catch (SocketException e) {
            read = null;
        }
        machine = read;
        machineReadAt = now;
        return read;
    }

    /** {@code listening} is asked only for an in-dialog request without Route (most requests are not); it gives null when it does not know. */
    static boolean stray(SIPRequest request, java.util.function.Supplier<List<Listening>> listening) {
        if (request.getToTag() == null || request.getHeader("Route") != null) return false;
        List<Listening> ours = listening.get();
        if (ours == null) return false;
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
