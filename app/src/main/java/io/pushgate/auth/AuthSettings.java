package io.pushgate.auth;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.util.ArrayList;
import java.util.List;

/** The [auth] section: digest authentication of local users. */
public record AuthSettings(boolean enabled, String realm, List<DigestAlgorithm> algorithms, List<DigestAlgorithm> challengeAlgorithms,
                           int nonceLifetimeSeconds,
                           int nonceCacheSize, PasswordStorage passwordStorage, int maxFailures, int failureWindowSeconds,
                           int lockoutSeconds, List<String> trustedPeers) {

    public enum PasswordStorage { HA1, PLAINTEXT }

    public static final ConfigSection SECTION = new ConfigSection("auth",
            "Digest authentication (RFC 2617, RFC 7616/8760): 401 for REGISTER, 407 for other requests from local users.");
    static final ConfigKey<Boolean> ENABLED = SECTION.bool("enabled", true, "Challenge requests from local users.");
    static final ConfigKey<String> REALM = SECTION.string("realm", "", "Digest realm; empty means the canonical domain name.");
    static final ConfigKey<List<String>> ALGORITHMS = SECTION.list("algorithms", "MD5 SHA-256",
            "Algorithms accepted in credentials (MD5, SHA-256).");
    static final ConfigKey<List<String>> CHALLENGE = SECTION.list("challenge-algorithms", "MD5",
            "Algorithms offered, one challenge header each in this order (RFC 8760); SIP.js gives up on any non-MD5 one.");
    static final ConfigKey<Integer> NONCE_LIFETIME = SECTION.integer("nonce-lifetime", 300, 10, 86400,
            "Seconds a nonce is accepted; after that the challenge says stale=true.");
    static final ConfigKey<Integer> NONCE_CACHE = SECTION.integer("nonce-cache-size", 2_000_000, 1000, 100_000_000,
            "Nonces issued within one nonce lifetime that replay detection can track (nonce lifetime times request rate).");
    static final ConfigKey<PasswordStorage> STORAGE = SECTION.choice("password-storage", PasswordStorage.HA1, PasswordStorage.class,
            "How new passwords are stored: ha1 (MD5 and SHA-256 HA1 digests) or plaintext.");
    static final ConfigKey<Integer> MAX_FAILURES = SECTION.integer("max-failures", 10, 1, 1_000_000,
            "Failed authentications for one account from one source address within failure-window before that pair is locked out.");
    static final ConfigKey<Integer> FAILURE_WINDOW = SECTION.integer("failure-window", 60, 1, 86400,
            "Seconds over which failures are counted.");
    static final ConfigKey<Integer> LOCKOUT = SECTION.integer("lockout", 300, 0, 86400,
            "Seconds a locked-out source is answered 403 without checking credentials.");
    static final ConfigKey<List<String>> TRUSTED = SECTION.list("trusted-peers", "",
            "Source IP addresses whose requests are not challenged (backends, application servers); never for REGISTER: their address can be forged over UDP.");

    public static AuthSettings from(Config c, String canonicalDomain) {
        List<DigestAlgorithm> algs = algorithms(c, ALGORITHMS);
        List<DigestAlgorithm> offered = algorithms(c, CHALLENGE);
        for (DigestAlgorithm a : offered) {
            if (!algs.contains(a)) throw new ConfigException(CHALLENGE.qualifiedName(), a.token() + " is offered but not in auth.algorithms");
        }
        String realm = c.get(REALM).isEmpty() ? canonicalDomain : c.get(REALM);
        return new AuthSettings(c.get(ENABLED), realm, algs, offered, c.get(NONCE_LIFETIME), c.get(NONCE_CACHE), c.get(STORAGE),
                c.get(MAX_FAILURES), c.get(FAILURE_WINDOW), c.get(LOCKOUT), c.get(TRUSTED));
    }

    private static List<DigestAlgorithm> algorithms(Config c, ConfigKey<List<String>> key) {
        List<DigestAlgorithm> algs = new ArrayList<>();
        for (String a : c.get(key)) {
            DigestAlgorithm alg = DigestAlgorithm.fromToken(a);
            if (alg == null) throw new ConfigException(key.qualifiedName(), "unsupported algorithm '" + a + "' (MD5 or SHA-256)");
            algs.add(alg);
        }
        if (algs.isEmpty()) throw new ConfigException(key.qualifiedName(), "at least one algorithm is needed");
        return List.copyOf(algs);
    }
}
