package io.pushgate.auth;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A challenge a server sent us (WWW-Authenticate or Proxy-Authenticate), and the answer Pushgate
 * gives it as a client (RFC 2617, RFC 7616: MD5 or SHA-256, qop=auth or none). The credentials
 * are a password or, for MD5 only, a stored HA1.
 */
public record DigestChallenge(String realm, String nonce, String opaque, DigestAlgorithm algorithm, boolean qopAuth, boolean stale) {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The first challenge of a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) this client can answer, or null. */
    public static DigestChallenge of(javax.servlet.sip.SipServletResponse resp) {
        String header = resp.getStatus() == 407 ? "Proxy-Authenticate" : "WWW-Authenticate";
        for (var it = resp.getHeaders(header); it.hasNext(); ) {
            DigestChallenge c = parse(it.next());
            if (c != null) return c;
        }
        return null;
    }

    /** The header that carries the answer to this response's challenge. */
    public static String answerHeader(javax.servlet.sip.SipServletResponse resp) {
        return resp.getStatus() == 407 ? "Proxy-Authorization" : "Authorization";
    }

    /** Parses a challenge header value; null when it is not a Digest challenge this client can answer. */
    public static DigestChallenge parse(String header) {
        DigestCredentials p = DigestCredentials.parse(header);
        if (p == null || p.realm() == null || p.nonce() == null) return null;
        DigestAlgorithm alg = DigestAlgorithm.fromToken(p.algorithm());
        if (alg == null) return null;
        String qop = p.qop();
        boolean auth = false;
        if (qop != null) {
            for (String q : qop.split(",")) auth |= q.strip().equalsIgnoreCase("auth");
            if (!auth) return null; // auth-int only
        }
        return new DigestChallenge(p.realm(), p.nonce(), p.get("opaque"), alg, auth, "true".equalsIgnoreCase(p.get("stale")));
    }

    /**
     * Whether the challenged request already carried credentials for this realm: then a new
     * challenge that is not stale means they were wrong. One that carried none is only asked for them.
     */
    public boolean refuses(javax.servlet.sip.SipServletRequest challenged, boolean proxy) {
        if (stale) return false;
        for (var it = challenged.getHeaders(proxy ? "Proxy-Authorization" : "Authorization"); it.hasNext(); ) {
            DigestCredentials sent = DigestCredentials.parse(it.next());
            if (sent != null && realm.equals(sent.realm())) return true;
        }
        return false;
    }

    /** What answers a challenge: the user, and the password or the MD5 HA1 of user:realm:password. */
    public record Secret(String username, String password, String md5Ha1) {
        /** HA1 for this algorithm and realm, or null when only an MD5 HA1 is known and SHA-256 is asked. */
        String ha1(DigestAlgorithm alg, String realm) {
            if (password != null && !password.isEmpty()) return alg.ha1(username, realm, password);
            if (alg == DigestAlgorithm.MD5 && md5Ha1 != null && !md5Ha1.isEmpty()) return md5Ha1.toLowerCase(Locale.ROOT);
            return null;
        }
    }

    /**
     * The Authorization / Proxy-Authorization value for a request; null when the secret cannot
     * answer this algorithm. {@code nc} counts the requests answered with this nonce, from 1.
     */
    public String answer(Secret secret, String method, String uri, int nc) {
        String ha1 = secret.ha1(algorithm, realm);
        if (ha1 == null) return null;
        String ha2 = algorithm.hash(method + ":" + uri);
        StringBuilder h = new StringBuilder("Digest username=\"").append(quote(secret.username())).append("\", realm=\"")
                .append(quote(realm)).append("\", nonce=\"").append(quote(nonce)).append("\", uri=\"").append(quote(uri)).append('"');
        String response;
        if (qopAuth) {
            String count = String.format("%08x", nc);
            byte[] c = new byte[8];
            RANDOM.nextBytes(c);
            String cnonce = HexFormat.of().formatHex(c);
            response = algorithm.hash(ha1 + ":" + nonce + ":" + count + ":" + cnonce + ":auth:" + ha2);
            h.append(", response=\"").append(response).append("\", qop=auth, nc=").append(count).append(", cnonce=\"").append(cnonce).append('"');
        } else {
            response = algorithm.hash(ha1 + ":" + nonce + ":" + ha2);
            h.append(", response=\"").append(response).append('"');
        }
        h.append(", algorithm=").append(algorithm.token());
        if (opaque != null) h.append(", opaque=\"").append(quote(opaque)).append('"');
        return h.toString();
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
