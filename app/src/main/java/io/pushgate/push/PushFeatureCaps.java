package io.pushgate.push;

import io.pushgate.pipeline.Exchange;
import io.pushgate.pipeline.RequestStep;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.servlet.ServletException;
import javax.servlet.sip.Address;
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
            Set<String> providers = new LinkedHashSet<>();
            boolean pnsreg = false;
            for (var it = ex.request().getAddressHeaders("Contact"); it.hasNext(); ) {
                Address a = it.next();
                if (a.isWildcard() || !(a.getURI() instanceof SipURI uri)) continue;
                Checked c = check(io.pushgate.sip.SipUris.parameters(uri.toString()), push);
                if (c.refusal() != null) {
                    ex.reply(c.refusal().status(), c.refusal().reason());
                    return;
                }
                if (c.provider() == null) continue;
                providers.add(c.provider());
                if (a.getParameter("+sip.pnsreg") != null) pnsreg = true;
            }
            int promised = pnsreg ? pnsregSeconds : 0;
            ex.beforeSend(resp -> {
                if (resp.getStatus() >= 200 && resp.getStatus() < 300) add(resp, push, providers, promised);
            });
        }
        chain.proceed(ex);
    }

    /** Why a REGISTER is refused for a Contact's push parameters. */
    public record Refusal(int status, String reason) {}

    /**
     * A Contact's push parameters as checked: those parsed (null: none), the served provider it
     * names or asks about (null: none), or the refusal it earns (null: none).
     */
    public record Checked(PushParams params, String provider, Refusal refusal) {}

    /** Checks a Contact's URI parameters once, for whoever refuses or stores it. */
    public static Checked check(java.util.Map<String, String> uriParams, PushCapabilities push) {
        PushParams params;
        try {
            params = PushParams.parse(uriParams).orElse(null);
        } catch (PushParams.InvalidPushParams e) {
            return new Checked(null, null, new Refusal(400, "Bad Push Parameters: " + e.getMessage()));
        }
        String provider = params != null ? params.provider() : PushParams.queriedProvider(uriParams);
        if (provider != null && !push.supports(provider)) {
            return new Checked(params, null, new Refusal(555, "Push Notification Service Not Supported"));
        }
        return new Checked(params, provider, null);
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
