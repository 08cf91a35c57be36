package io.pushgate.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The digest algorithms of RFC 7616/8760 that Pushgate offers. */
public enum DigestAlgorithm {
    MD5("MD5", "MD5"),
    SHA_256("SHA-256", "SHA-256");

    private final String token;
    private final String jcaName;

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
    }

    /** The name used in WWW-Authenticate and Authorization headers. */
    public String token() { return token; }

    public String hash(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance(jcaName);
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " missing from the JDK", e);
        }
    }

    public String ha1(String user, String realm, String password) {
        return hash(user + ":" + realm + ":" + password);
    }

    /** Parses a header token; absent means MD5 (RFC 2617). Returns null for an unsupported algorithm. */
    public static DigestAlgorithm fromToken(String token) {
        if (token == null || token.isEmpty()) return MD5;
        for (DigestAlgorithm a : values()) if (a.token.equalsIgnoreCase(token)) return a;
        return null;
    }
}
