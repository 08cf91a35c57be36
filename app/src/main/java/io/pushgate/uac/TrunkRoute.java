package io.pushgate.uac;

import io.pushgate.config.ConfigException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One outbound route: which calls of local users go out through providers (a dialled prefix, or a
 * target domain), through which registrations in failover order, and what From and To the
 * provider sees. Written {@code MATCH>UUID[/UUID...][;option...]} in [uac] routes.
 */
public record TrunkRoute(String prefix, String domain, List<String> registrations, FromRule from, String fromName, boolean toTarget) {

    /** What the provider sees in From. */
    public enum FromRule {
        /** The registration's own identity (r_username@r_domain), as providers expect. */
        IDENTITY,
        /** "Anonymous" <sip:anonymous@anonymous.invalid> with Privacy: id (RFC 3323); the identity goes in P-Asserted-Identity. */
        ANONYMOUS,
        /** The caller's From as sent. */
        KEEP
    }

    /** The number or user part dialled toward the provider, or null when this route does not take the call. */
    public String target(String user, String host) {
        if (prefix != null) {
            return user != null && user.startsWith(prefix) && user.length() > prefix.length() ? user.substring(prefix.length()) : null;
        }
        return host != null && host.equalsIgnoreCase(domain) && user != null && !user.isEmpty() ? user : null;
    }

    static List<TrunkRoute> parseAll(String text, String key) {
        List<TrunkRoute> routes = new ArrayList<>();
        for (String item : text.trim().split("\\s+")) {
            if (!item.isEmpty()) routes.add(parse(item, key));
        }
        return List.copyOf(routes);
    }

    static TrunkRoute parse(String item, String key) {
        String[] parts = item.split(";");
        int gt = parts[0].indexOf('>');
        if (gt <= 0) throw new ConfigException(key, "'" + item + "': expected MATCH>UUID[/UUID...]");
        String match = parts[0].substring(0, gt);
        List<String> uuids = List.of(parts[0].substring(gt + 1).split("/"));
        if (uuids.isEmpty() || uuids.stream().anyMatch(u -> !u.matches("[A-Za-z0-9._-]+"))) {
            throw new ConfigException(key, "'" + item + "': registrations are l_uuid values separated by /");
        }
        String prefix = null;
        String domain = null;
        if (match.startsWith("prefix:") && match.substring(7).matches("[0-9*#+]+")) prefix = match.substring(7);
        else if (match.startsWith("domain:") && match.substring(7).matches("[A-Za-z0-9.-]+")) domain = match.substring(7);
        else throw new ConfigException(key, "'" + item + "': match is prefix:DIGITS or domain:NAME");
        FromRule from = FromRule.IDENTITY;
        String fromName = null;
        boolean toTarget = true;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            String v = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "from" -> from = switch (v) {
                    case "identity" -> FromRule.IDENTITY;
                    case "anonymous" -> FromRule.ANONYMOUS;
                    case "keep" -> FromRule.KEEP;
                    default -> throw new ConfigException(key, "'" + item + "': from is identity, anonymous or keep");
                };
                case "from-name" -> fromName = URLDecoder.decode(v, StandardCharsets.UTF_8);
                case "to" -> {
                    if (!v.equals("target") && !v.equals("keep")) throw new ConfigException(key, "'" + item + "': to is target or keep");
                    toTarget = v.equals("target");
                }
                default -> throw new ConfigException(key, "'" + item + "': unknown option " + kv[0]);
            }
        }
        return new TrunkRoute(prefix, domain, uuids, from, fromName, toTarget);
    }
}
