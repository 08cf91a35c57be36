package io.pushgate.push;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The push parameters of one contact in RFC 8599 form. The legacy Linphone parameters (pn-type,
 * pn-tok, app-id) are translated on parsing. For APNs, {@code pn-prid} may carry two tokens,
 * {@code <voip-token>:voip&<remote-token>:remote}, with {@code pn-param} ending in {@code .voip&remote}.
 * Linphone's {@code pn-call-str} and {@code pn-msg-str} (localization keys of the alerts) and
 * {@code pn-silent} (background pushes only) are read in either form.
 */
public record PushParams(String provider, String prid, String param, String purr, String callStr, String msgStr, boolean silent) {

    public PushParams(String provider, String prid, String param, String purr) {
        this(provider, prid, param, purr, null, null, false);
    }

    /** A contact whose push parameters are present but not usable. */
    public static final class InvalidPushParams extends Exception {
        InvalidPushParams(String message) {
            super(message);
        }
    }

    /**
     * Reads the push parameters from a contact URI's parameters (names case-insensitive, values
     * as found). Returns empty when the contact carries none, or only pn-provider (a query). Any
     * pn-provider token is read; whether one of the configured push services takes it is the
     * caller's question (555, see {@link #queriedProvider}).
     */
    public static Optional<PushParams> parse(Map<String, String> uriParams) throws InvalidPushParams {
        Map<String, String> p = new LinkedHashMap<>();
        uriParams.forEach((k, v) -> p.put(k.toLowerCase(Locale.ROOT), v));
        // pn-provider alone asks whether the service is there, and for its VAPID key (RFC 8599): no device yet
        if (p.containsKey("pn-provider") && !p.containsKey("pn-prid")) return Optional.empty();
        if (p.containsKey("pn-provider")) return Optional.of(rfc8599(p));
        if (p.containsKey("pn-type") || p.containsKey("pn-tok")) return Optional.of(legacy(p));
        if (p.containsKey("pn-prid") || p.containsKey("pn-param")) throw new InvalidPushParams("pn-prid without pn-provider");
        return Optional.empty();
    }

    /** The pn-provider a contact names, lower-cased, with or without a device token; null when none. */
    public static String queriedProvider(Map<String, String> uriParams) {
        for (Map.Entry<String, String> e : uriParams.entrySet()) {
            if (e.getKey().equalsIgnoreCase("pn-provider") && e.getValue() != null) return e.getValue().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    /** Parses the parameters of a URI given as text ({@code sip:u@h;a=b;c}). */
    public static Optional<PushParams> parseUri(String uri) throws InvalidPushParams {
        return parse(io.pushgate.sip.SipUris.parameters(uri));
    }

    private static PushParams rfc8599(Map<String, String> p) throws InvalidPushParams {
        String provider = required(p, "pn-provider").toLowerCase(Locale.ROOT);
        if (!provider.matches("[a-z0-9][a-z0-9.+-]{0,63}")) throw new InvalidPushParams("pn-provider is not a token");
        PushParams params = withLegacyStrings(new PushParams(provider, required(p, "pn-prid"), p.get("pn-param"), p.get("pn-purr")), p);
        params.validate();
        return params;
    }

    /** Linphone's form: pn-type=apple|firebase|google, pn-tok, app-id (a ".dev"/".prod" suffix picks the APNs endpoint). */
    private static PushParams legacy(Map<String, String> p) throws InvalidPushParams {
        String type = required(p, "pn-type").toLowerCase(Locale.ROOT);
        String token = required(p, "pn-tok");
        String appId = required(p, "app-id");
        PushParams params;
        switch (type) {
            case "apple" -> {
                boolean dev = appId.endsWith(".dev");
                String bundle = appId.endsWith(".dev") || appId.endsWith(".prod") ? appId.substring(0, appId.lastIndexOf('.')) : appId;
                // Legacy tokens carry no team id; pn-param is then just the bundle and services.
                String services = token.contains(":voip") || token.contains(":remote") ? servicesOf(token) : "voip";
                params = new PushParams(dev ? "apns.dev" : "apns", token, bundle + "." + services, null);
            }
            case "firebase", "google", "fcm" -> params = new PushParams("fcm", token, appId, null);
            // kept as its own provider name: no configured service takes it, so REGISTER gets 555
            default -> params = new PushParams(type, token, appId, null);
        }
        params = withLegacyStrings(params, p);
        params.validate();
        return params;
    }

    private static PushParams withLegacyStrings(PushParams params, Map<String, String> p) {
        String silent = p.get("pn-silent");
        return new PushParams(params.provider, params.prid, params.param, params.purr, blankToNull(p.get("pn-call-str")),
                blankToNull(p.get("pn-msg-str")), silent != null && (silent.equals("1") || silent.equalsIgnoreCase("true")));
    }

    private static String blankToNull(String s) { return s == null || s.isBlank() ? null : s; }

    private static String servicesOf(String token) {
        boolean voip = token.contains(":voip"), remote = token.contains(":remote");
        return voip && remote ? "voip&remote" : voip ? "voip" : "remote";
    }

    private void validate() throws InvalidPushParams {
        if (prid.isBlank()) throw new InvalidPushParams("empty pn-prid");
        if (isApns()) {
            if (param == null || param.isBlank()) throw new InvalidPushParams("APNs contact without pn-param");
            if (voipToken().isEmpty() && remoteToken().isEmpty()) throw new InvalidPushParams("pn-prid has no usable token");
        } else if (provider.equals("fcm") && (param == null || param.isBlank())) {
            throw new InvalidPushParams("FCM contact without pn-param (the project id)");
        } else if (provider.equals("webpush")) {
            String endpoint;
            try {
                endpoint = endpoint();
            } catch (IllegalArgumentException e) {
                throw new InvalidPushParams("WebPush pn-prid has a broken %-escape");
            }
            if (!endpoint.startsWith("https://") && !endpoint.startsWith("http://")) {
                throw new InvalidPushParams("WebPush pn-prid is not the subscription's URL");
            }
            if (param == null || !param.matches("[A-Za-z0-9_-]{80,100}\\.[A-Za-z0-9_-]{16,32}")) {
                throw new InvalidPushParams("WebPush pn-param is not <p256dh>.<auth> in base64url");
            }
        }
    }

    /** WebPush: the subscription's push resource URL, which pn-prid carries %-escaped. */
    public String endpoint() {
        return java.net.URLDecoder.decode(prid.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The app a push goes to, safe for logs and metrics: the APNs bundle, the FCM project, the
     * WebPush service's host. Never the token, nor WebPush's pn-param (the subscription's secret).
     */
    public String app() {
        if (isApns()) return bundleId();
        if (provider.equals("fcm")) return param;
        if (provider.equals("webpush")) {
            try {
                return String.valueOf(java.net.URI.create(endpoint()).getHost());
            } catch (IllegalArgumentException e) {
                return "webpush";
            }
        }
        return provider;
    }

    public boolean isApns() { return provider.equals("apns") || provider.equals("apns.dev"); }

    /**
     * The APNs bundle id: pn-param is {@code [<team-id>.]<bundle-id>.<services>}. The team id is 10
     * upper-case characters when present.
     */
    public String bundleId() {
        String p = param;
        int firstDot = p.indexOf('.');
        if (firstDot == 10 && p.substring(0, 10).matches("[A-Z0-9]{10}")) p = p.substring(11);
        int lastDot = p.lastIndexOf('.');
        String tail = lastDot < 0 ? "" : p.substring(lastDot + 1);
        if (tail.equals("voip") || tail.equals("remote") || tail.equals("voip&remote") || tail.equals("remote&voip") || tail.equals("apns")) {
            return p.substring(0, lastDot);
        }
        return p;
    }

    /** The token for VoIP (PushKit) pushes, if the device gave one. */
    public Optional<String> voipToken() { return tokenFor("voip"); }

    /** The token for user-visible (remote) pushes, if the device gave one. */
    public Optional<String> remoteToken() { return tokenFor("remote"); }

    private Optional<String> tokenFor(String service) {
        if (!prid.contains("&") && !prid.contains(":")) {
            // One bare token: its service is the one pn-param names.
            boolean isVoip = param != null && param.endsWith(".voip");
            boolean isRemote = param != null && !isVoip;
            return (service.equals("voip") ? isVoip : isRemote) ? Optional.of(prid) : Optional.empty();
        }
        for (String part : prid.split("&")) {
            int colon = part.lastIndexOf(':');
            if (colon > 0 && part.substring(colon + 1).equals(service)) return Optional.of(part.substring(0, colon));
        }
        return Optional.empty();
    }

    private static String required(Map<String, String> p, String name) throws InvalidPushParams {
        String v = p.get(name);
        if (v == null || v.isBlank()) throw new InvalidPushParams("missing " + name);
        return v;
    }

    /**
     * A contact or URI without its push token (pn-prid, pn-tok), nor a WebPush subscription's keys
     * (its pn-param): they are credentials of the device.
     */
    public static String redacted(String contact) {
        String r = contact.replaceAll("(?i)(;pn-prid=)[^;?>]*", "$1***").replaceAll("(?i)(;pn-tok=)[^;?>]*", "$1***");
        return r.toLowerCase(Locale.ROOT).contains("pn-provider=webpush") ? r.replaceAll("(?i)(;pn-param=)[^;?>]*", "$1***") : r;
    }
}
