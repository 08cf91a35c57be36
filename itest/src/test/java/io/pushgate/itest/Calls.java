package io.pushgate.itest;

/** sipp scenario parts for a whole call through the proxy: a UAS device and an authenticated caller. */
final class Calls {
    private Calls() {}

    /** A PCMU audio offer or answer at sipp's own media address. */
    static String audioSdp(String origin) {
        return """
                v=0
                o=%s 1 1 IN IP4 [local_ip]
                s=-
                c=IN IP4 [media_ip]
                t=0 0
                m=audio [media_port] RTP/AVP 0
                a=rtpmap:0 PCMU/8000
                """.formatted(origin);
    }

    /** The device's 200 with an SDP answer to the INVITE just received (To tag added, record-route kept). */
    static String answerWithSdp() {
        return Sipp.send("""
                SIP/2.0 200 OK
                [last_Via:]
                [last_From:]
                [last_To:];tag=[pid]s[call_number]
                [last_Call-ID:]
                [last_CSeq:]
                [last_Record-Route:]
                Contact: <sip:device@[local_ip]:[local_port]>
                Content-Type: application/sdp
                Content-Length: [len]

                """ + audioSdp("device"));
    }

    /** An answer without body to the INVITE just received ("486 Busy Here"), with the device's To tag, sent once. */
    static String answerWithoutBody(String statusLine) {
        return Sipp.sendOnce("""
                SIP/2.0 %s
                [last_Via:]
                [last_From:]
                [last_To:];tag=[pid]s[call_number]
                [last_Call-ID:]
                [last_CSeq:]
                Content-Length: 0
                """.formatted(statusLine));
    }

    /** 200 to the in-dialog request just received (BYE), sent once. */
    static String okToLastRequest() {
        return Sipp.sendOnce("""
                SIP/2.0 200 OK
                [last_Via:]
                [last_From:]
                [last_To:]
                [last_Call-ID:]
                [last_CSeq:]
                Content-Length: 0
                """);
    }

    /** The device's 180 to the INVITE just received, with its To tag and the record-route kept. */
    static String ringing() {
        return Sipp.sendOnce("""
                SIP/2.0 180 Ringing
                [last_Via:]
                [last_From:]
                [last_To:];tag=[pid]s[call_number]
                [last_Call-ID:]
                [last_CSeq:]
                [last_Record-Route:]
                Contact: <sip:device@[local_ip]:[local_port]>
                Content-Length: 0
                """);
    }

    /** A device answering one call: INVITE, 180, 200 with SDP, ACK, BYE, 200. */
    static String uas() {
        return uasReceiving("<recv request=\"INVITE\" rrs=\"true\"/>");
    }

    /** The same, with its own step for receiving the INVITE (one that checks what arrives). */
    static String uasReceiving(String inviteStep) {
        return Sipp.scenario(
                inviteStep,
                ringing(),
                answerWithSdp(),
                "<recv request=\"ACK\"/>",
                "<recv request=\"BYE\"/>",
                okToLastRequest(),
                "<timewait milliseconds=\"500\"/>");
    }

    /**
     * A device that rings and is then cancelled (through a proxy): INVITE, 180, CANCEL, 200 to the
     * CANCEL, 487 to the INVITE, ACK. The call fails unless the CANCEL comes.
     */
    static String ringsUntilCancelled() {
        return Sipp.scenario(
                // the 487 answers the INVITE: its CSeq and both Vias (the proxy's and the caller's), which the CANCEL does not carry
                "<recv request=\"INVITE\"><action>"
                        + "<ereg regexp=\"CSeq: ([0-9]+)\" search_in=\"msg\" check_it=\"true\" assign_to=\"whole,cseq\"/>"
                        + "<ereg regexp=\".*\" search_in=\"hdr\" header=\"Via:\" occurrence=\"1\" check_it=\"true\" assign_to=\"via1\"/>"
                        + "<ereg regexp=\".*\" search_in=\"hdr\" header=\"Via:\" occurrence=\"2\" check_it=\"true\" assign_to=\"via2\"/>"
                        + "</action></recv>",
                ringing(),
                "<recv request=\"CANCEL\"/>",
                okToLastRequest(),
                Sipp.sendOnce("""
                        SIP/2.0 487 Request Terminated
                        Via:[$via1]
                        Via:[$via2]
                        [last_From:]
                        [last_To:];tag=[pid]s[call_number]
                        [last_Call-ID:]
                        CSeq: [$cseq] INVITE
                        Content-Length: 0
                        """),
                "<recv request=\"ACK\"/>",
                "<timewait milliseconds=\"500\"/>");
    }

    /** Caller user (local, so challenged with 407) calls callee, acknowledges, hangs up along the record-route. */
    static String authenticatedCaller(String user, String password, String callee) {
        return authenticatedCaller(user, password, callee, 300);
    }

    /** The same, staying in the call for {@code holdMs} before hanging up. */
    static String authenticatedCaller(String user, String password, String callee, int holdMs) {
        String invite = """
                INVITE sip:%2$s@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: <sip:%1$s@[remote_ip]>;tag=[pid]c[call_number]
                To: <sip:%2$s@[remote_ip]>
                Call-ID: [call_id]
                CSeq: %3$d INVITE
                Contact: <sip:%1$s@[local_ip]:[local_port]>
                %4$s
                Content-Type: application/sdp
                Content-Length: [len]

                """ + audioSdp(user);
        String inDialog = """
                %3$s [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                [routes]
                Max-Forwards: 70
                From: <sip:%1$s@[remote_ip]>;tag=[pid]c[call_number]
                To: <sip:%2$s@[remote_ip]>[peer_tag_param]
                Call-ID: [call_id]
                CSeq: %4$d %3$s
                Content-Length: 0
                """;
        return Sipp.scenario(
                Sipp.send(invite.formatted(user, callee, 1, "")),
                Sipp.optional(100),
                Sipp.recv(407),
                Sipp.ackNon2xx("sip:" + callee + "@[remote_ip]:[remote_port]"),
                Sipp.send(invite.formatted(user, callee, 2,
                        "[authentication username=" + user + " password=" + password + "]")),
                Sipp.optional(100),
                Sipp.optional(180),
                "<recv response=\"200\" rrs=\"true\"/>",
                Sipp.sendOnce(inDialog.formatted(user, callee, "ACK", 2)),
                Sipp.pause(holdMs),
                Sipp.send(inDialog.formatted(user, callee, "BYE", 3)),
                Sipp.recv(200));
    }
}
