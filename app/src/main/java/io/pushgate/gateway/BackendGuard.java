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
        if (out.isEmpty() && !s.backend().isEmpty()) {
            for (InetAddress a : InetAddress.getAllByName(host(s.backend()))) out.add(a.getHostAddress());
        }
        return out;
    }

    static String host(String backend) {
        String b = backend.replaceFirst("^sips?:", "");
        int semi = b.indexOf(';');
        if (semi >= 0) b = b.substring(0, semi);
        if (b.startsWith("[")) return b.substring(1, b.indexOf(']'));
        int colon = b.lastIndexOf(':');
        return colon >= 0 ? b.substring(0, colon) : b;
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
