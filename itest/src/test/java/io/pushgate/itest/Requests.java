package io.pushgate.itest;

/** SIP request texts for sipp scenarios; sipp fills in the bracketed keywords. */
final class Requests {
    private Requests() {}

    /** A REGISTER for user at the server; contact null means a query (no Contact header). sipp matches responses by its own Call-ID. */
    static String register(String user, int cseq, String contact, String expiresHeader, String authLine) {
        return """
                REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: <sip:%1$s@[remote_ip]>;tag=[pid]r[call_number]
                To: <sip:%1$s@[remote_ip]>
                Call-ID: [call_id]
                CSeq: %3$d REGISTER
                %4$s
                %5$s
                %6$s
                User-Agent: pushgate-it
                Content-Length: 0
                """.formatted(user, "", cseq, contact == null ? "" : "Contact: " + contact,
                expiresHeader == null ? "" : "Expires: " + expiresHeader, authLine);
    }

    static String auth(String user, String password) {
        return "[authentication username=" + user + " password=" + password + "]";
    }

    /** An out-of-dialog request with no body. */
    static String request(String method, String ruri, String from, String to, int maxForwards, String extraHeaders) {
        return """
                %1$s %2$s SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: %5$d
                From: <%3$s>;tag=[pid]t[call_number]
                To: <%4$s>
                Call-ID: [call_id]
                CSeq: 1 %1$s
                Contact: <sip:probe@[local_ip]:[local_port]>
                %6$s
                Content-Length: 0
                """.formatted(method, ruri, from, to, maxForwards, extraHeaders == null ? "" : extraHeaders);
    }

    /**
     * The Authorization (or, for a 407, Proxy-Authorization) header line answering the digest
     * challenge in {@code challenge} (MD5, qop=auth, RFC 2617), computed here by hand.
     */
    static String digest(String challenge, String method, String uri, String user, String password, int nc) {
        boolean proxy = challenge.startsWith("SIP/2.0 407");
        String line = challenge.lines().filter(l -> l.startsWith(proxy ? "Proxy-Authenticate:" : "WWW-Authenticate:"))
                .findFirst().orElseThrow(() -> new AssertionError("no challenge in " + challenge));
        String realm = param(line, "realm"), nonce = param(line, "nonce"), count = "%08x".formatted(nc), cnonce = "c0ffee";
        String response = md5(md5(user + ":" + realm + ":" + password) + ":" + nonce + ":" + count + ":" + cnonce + ":auth:"
                + md5(method + ":" + uri));
        return (proxy ? "Proxy-Authorization" : "Authorization") + ": Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", response=\"%s\", algorithm=MD5, qop=auth, nc=%s, cnonce=\"%s\"\n"
                .formatted(user, realm, nonce, uri, response, count, cnonce);
    }

    /** A quoted or bare parameter of a header line. */
    static String param(String header, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + "=\"?([^\",]+)\"?").matcher(header);
        if (!m.find()) throw new AssertionError(name + " missing in " + header);
        return m.group(1);
    }

    static String md5(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A REGISTER as a phone sends it from its own UDP socket (no sipp keywords): one Call-ID,
     * a branch per CSeq; {@code authorization} is a whole header line or empty.
     */
    static String plainRegister(String ruri, String aor, int localPort, String callId, int cseq, String contact, String authorization) {
        return ("REGISTER " + ruri + " SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:" + localPort + ";rport;branch=z9hG4bK" + callId + "." + cseq
                + "\nMax-Forwards: 70\nFrom: <" + aor + ">;tag=" + callId + "\nTo: <" + aor + ">\nCall-ID: " + callId + "\nCSeq: " + cseq
                + " REGISTER\nContact: " + contact + "\nExpires: 600\n" + authorization + "Content-Length: 0\n\n").replace("\n", "\r\n");
    }
}
