package io.pushgate.push;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The push parameters of one contact in RFC 8599 form. The legacy Linphone parameters (pn-type,
 * pn-tok, app-id) are translated on parsing. For APNs, {@code pn-prid} may carry two tokens,
 * {@code <voip-token>:voip&<remote-token>:remote}, with {@code pn-param} ending in {@code .voip&remote}.
 */
public record PushParams(String provider, String prid, String param, String purr) {

    /** The providers this server can push through; anything else is 555. */
    public enum Provider {
        APNS("apns"), APNS_DEV("apns.dev"), FCM("fcm");

        private final String token;

        Provider(String token) { this.token = token; }

        public String token() { return token; }

        static Optional<Provider> of(String token) {
            for (Provider p : values()) if (p.token.equalsIgnoreCase(token)) return Optional.of(p);
            return Optional.empty();
        }
    }

    /** A contact whose push parameters are present but not usable. */
    public static final class InvalidPushParams extends Exception {
        private final boolean unsupportedProvider;

        InvalidPushParams(String message, boolean unsupportedProvider) {
            super(message);
            this.unsupportedProvider = unsupportedProvider;
        }

        /** True when the parameters are well formed but name a provider we cannot push through (555). */
        public boolean unsupportedProvider() { return unsupportedProvider; }
    }

    /**
     * Reads the push parameters from a contact URI's parameters (names case-insensitive, values
     * as found). Returns empty when the contact carries none.
     */
    public static Optional<PushParams> parse(Map<String, String> uriParams) throws InvalidPushParams {
        Map<String, String> p = new LinkedHashMap<>();
        uriParams.forEach((k, v) -> p.put(k.toLowerCase(Locale.ROOT), v));
        if (p.containsKey("pn-provider")) return Optional.of(rfc8599(p));
        if (p.containsKey("pn-type") || p.containsKey("pn-tok")) return Optional.of(legacy(p));
        if (p.containsKey("pn-prid") || p.containsKey("pn-param")) throw new InvalidPushParams("pn-prid without pn-provider", false);
        return Optional.empty();
    }

    /** Parses the parameters of a URI given as text ({@code sip:u@h;a=b;c}). */
    public static Optional<PushParams> parseUri(String uri) throws InvalidPushParams {
        return parse(io.pushgate.sip.SipUris.parameters(uri));
    }

    private static PushParams rfc8599(Map<String, String> p) throws InvalidPushParams {
        String provider = required(p, "pn-provider");
        if (Provider.of(provider).isEmpty()) throw new InvalidPushParams("pn-provider " + provider + " not supported", true);
        String prid = required(p, "pn-prid");
        String param = p.get("pn-param");
        PushParams params = new PushParams(provider.toLowerCase(Locale.ROOT), prid, param, p.get("pn-purr"));
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
            default -> throw new InvalidPushParams("pn-type " + type + " not supported", true);
        }
        params.validate();
        return params;
    }

    private static String servicesOf(String token) {
        boolean voip = token.contains(":voip"), remote = token.contains(":remote");
        return voip && remote ? "voip&remote" : voip ? "voip" : "remote";
    }

    private void validate() throws InvalidPushParams {
        if (prid.isBlank()) throw new InvalidPushParams("empty pn-prid", false);
        if (isApns()) {
            if (param == null || param.isBlank()) throw new InvalidPushParams("APNs contact without pn-param", false);
            if (voipToken().isEmpty() && remoteToken().isEmpty()) throw new InvalidPushParams("pn-prid has no usable token", false);
        } else if (param == null || param.isBlank()) {
            throw new InvalidPushParams("FCM contact without pn-param (the project id)", false);
        }
    }

    public Provider providerKind() { return Provider.of(provider).orElseThrow(); }

    public boolean isApns() { return provider.startsWith("apns"); }

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
        if (v == null || v.isBlank()) throw new InvalidPushParams("missing " + name, false);
        return v;
    }

    /** A contact or URI without its push token (pn-prid, pn-tok): a token is a credential of the device. */
    public static String redacted(String contact) {
        return contact.replaceAll("(?i)(;pn-prid=)[^;?>]*", "$1***").replaceAll("(?i)(;pn-tok=)[^;?>]*", "$1***");
    }
}
