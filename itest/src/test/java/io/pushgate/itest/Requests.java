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
}
