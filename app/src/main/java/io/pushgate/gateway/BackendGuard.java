package io.pushgate.gateway;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.sip.SipUris;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.servlet.ServletException;
import javax.servlet.sip.SipURI;

/**
 * Pipeline step of the gateway role, before ForkLateRouter: a request whose Request-URI carries
 * our masquerade marker (doroute) goes to a device through us, and only the backend sends those.
 * From any other address it is refused 403, whatever its CtRt key: a key that leaked must not
 * open the way to the devices behind the gateway.
 */
public final class BackendGuard implements RequestStep {
    private final Set<String> backend;

    /** {@code backend} empty lets every source through (no backend address is known). */
    public BackendGuard(Set<String> backend) {
        this.backend = Set.copyOf(backend);
    }

    /** [gateway] backend-addresses, else the addresses [gateway] backend resolves to now; empty when neither is known. */
    public static Set<String> addresses(GatewaySettings s) throws UnknownHostException {
        Set<String> out = new LinkedHashSet<>(s.backendAddresses());
        if (out.isEmpty() && s.backendRoute() != null) {
            for (InetAddress a : InetAddress.getAllByName(host(SipUris.hostPort(s.backendRoute())))) out.add(a.getHostAddress());
        }
        return out;
    }

    /** The host of host[:port], an IPv6 reference without its brackets. */
    static String host(String hostPort) {
        if (hostPort.startsWith("[")) return hostPort.substring(1, hostPort.indexOf(']'));
        int colon = hostPort.lastIndexOf(':');
        return colon >= 0 ? hostPort.substring(0, colon) : hostPort;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        boolean routed = ex.request().getRequestURI() instanceof SipURI ruri && SipUris.parameters(ruri).containsKey(ContactMasquerader.MARKER);
        if (routed && !backend.isEmpty() && !backend.contains(ex.request().getInitialRemoteAddr())) {
            ex.reply(403, "Routed Requests Come From The Backend Only");
            return;
        }
        chain.proceed(ex);
    }
}
