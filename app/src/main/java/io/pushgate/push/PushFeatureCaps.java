package io.pushgate.push;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;

/**
 * Refuses a REGISTER whose push parameters could never be used (400 malformed, 555 a provider no
 * configured service takes, RFC 8599 section 4.1.3), rather than storing a device that would never
 * be woken; and tells a registering push device what it may count on (RFC 8599 Feature-Caps in the 2xx the
 * registrar sends): that its provider is served ({@code +sip.pns}), the WebPush VAPID key
 * ({@code +sip.vapid}), and, when its Contact carries {@code +sip.pnsreg}, that it will be pushed
 * that many seconds before its binding expires. The gateway, which relays a backend's 2xx, adds
 * the same through {@link #add}.
 */
public final class PushFeatureCaps implements RequestStep {
    private final PushCapabilities push;
    /** Seconds before expiry of the wake-up push; 0 when none is sent. */
    private final int pnsregSeconds;

    public PushFeatureCaps(PushCapabilities push, int pnsregSeconds) {
        this.push = push;
        this.pnsregSeconds = pnsregSeconds;
    }

    @Override
    public void handle(Exchange ex, Chain chain) throws IOException, ServletException {
        if ("REGISTER".equals(ex.method())) {
            SipServletRequest req = ex.request();
            Refusal refused = refusalOf(req);
            if (refused != null) {
                ex.reply(refused.status(), refused.reason());
                return;
            }
            ex.beforeSend(resp -> advertise(req, resp));
        }
        chain.proceed(ex);
    }

    private Refusal refusalOf(SipServletRequest req) throws ServletParseException {
        for (var it = req.getAddressHeaders("Contact"); it.hasNext(); ) {
            Address a = it.next();
            if (a.isWildcard() || !(a.getURI() instanceof SipURI uri)) continue;
            Refusal r = refusal(io.pushgate.sip.SipUris.parameters(uri.toString()), push);
            if (r != null) return r;
        }
        return null;
    }

    /** Why a REGISTER is refused for a Contact's push parameters. */
    public record Refusal(int status, String reason) {}

    /** The refusal a Contact with these URI parameters earns, or null when its push parameters (if any) are usable. */
    public static Refusal refusal(java.util.Map<String, String> uriParams, PushCapabilities push) {
        PushParams params;
        try {
            params = PushParams.parse(uriParams).orElse(null);
        } catch (PushParams.InvalidPushParams e) {
            return new Refusal(400, "Bad Push Parameters: " + e.getMessage());
        }
        String provider = params != null ? params.provider() : PushParams.queriedProvider(uriParams);
        return provider != null && !push.supports(provider) ? new Refusal(555, "Push Notification Service Not Supported") : null;
    }

    private void advertise(SipServletRequest req, SipServletResponse resp) {
        if (resp.getStatus() < 200 || resp.getStatus() >= 300) return;
        Set<String> providers = new LinkedHashSet<>();
        boolean pnsreg = false;
        try {
            for (var it = req.getAddressHeaders("Contact"); it.hasNext(); ) {
                Address a = it.next();
                if (a.isWildcard() || !(a.getURI() instanceof SipURI uri)) continue;
                java.util.Map<String, String> params = io.pushgate.sip.SipUris.parameters(uri.toString());
                String provider = PushParams.parse(params).map(PushParams::provider).orElse(PushParams.queriedProvider(params));
                if (provider == null || !push.supports(provider)) continue;
                providers.add(provider);
                if (a.getParameter("+sip.pnsreg") != null) pnsreg = true;
            }
        } catch (ServletParseException | PushParams.InvalidPushParams e) {
            return; // refused by the registrar step
        }
        add(resp, push, providers, pnsreg ? pnsregSeconds : 0);
    }

    /** Adds the indicators for devices of these providers; {@code pnsregSeconds} 0 promises no wake-up push. */
    public static void add(SipServletResponse resp, PushCapabilities push, Collection<String> providers, int pnsregSeconds) {
        for (String provider : providers) {
            resp.addHeader("Feature-Caps", "*;+sip.pns=\"" + provider + "\"");
            for (String cap : push.featureCaps(provider)) resp.addHeader("Feature-Caps", "*;" + cap);
        }
        if (!providers.isEmpty() && pnsregSeconds > 0) resp.addHeader("Feature-Caps", "*;+sip.pnsreg=\"" + pnsregSeconds + "\"");
    }
}
