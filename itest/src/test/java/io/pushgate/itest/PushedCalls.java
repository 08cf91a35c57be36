package io.pushgate.itest;

import static io.pushgate.itest.Requests.auth;

/**
 * alice's side of a call through the registrar/proxy to a sleeping user, handled by the push
 * application server: the 407 round, its 183 with early media, and once the callee registered,
 * its 200 and its re-INVITE with the callee's media.
 */
final class PushedCalls {
    /** The push application server's address (PushgateProcess.configurePushServer), as a regular expression. */
    static final String PUSH_SERVER = "127\\.0\\.0\\.2";

    private PushedCalls() {}

    static String invite(String callee, int cseq, String authLine, int rtpPort) {
        return """
                INVITE sip:%1$s@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: <sip:alice@[remote_ip]>;tag=[pid]c[call_number]
                To: <sip:%1$s@[remote_ip]>
                Call-ID: [call_id]
                CSeq: %2$d INVITE
                Contact: <sip:alice@[local_ip]:[local_port]>
                %3$s
                Content-Type: application/sdp
                Content-Length: [len]

                v=0
                o=alice 1 1 IN IP4 127.0.0.1
                s=-
                c=IN IP4 127.0.0.1
                t=0 0
                m=audio %4$d RTP/AVP 0 8
                a=rtpmap:0 PCMU/8000
                a=rtpmap:8 PCMA/8000
                """.formatted(callee, cseq, authLine, rtpPort);
    }

    static String inDialog(String callee, String method, int cseq) {
        return """
                %2$s [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                [routes]
                Max-Forwards: 70
                From: <sip:alice@[remote_ip]>;tag=[pid]c[call_number]
                To: <sip:%1$s@[remote_ip]>[peer_tag_param]
                Call-ID: [call_id]
                CSeq: %3$d %2$s
                Content-Length: 0
                """.formatted(callee, method, cseq);
    }

    /** alice's INVITE with the 407 round; ends having received the 183 with our SDP answer. */
    static String[] callUntilEarlyMedia(String callee, int rtpPort) {
        return callUntilEarlyMedia(callee, rtpPort, false);
    }

    /** The same; {@code relayed}: the proxy anchors media in rtpengine, whose address the 183 then carries. */
    static String[] callUntilEarlyMedia(String callee, int rtpPort, boolean relayed) {
        return callUntilEarlyMediaFrom(callee, rtpPort, relayed ? null : PUSH_SERVER);
    }

    /** The same with the early media's address, a regular expression (null: not checked, rtpengine's). */
    static String[] callUntilEarlyMediaFrom(String callee, int rtpPort, String earlyMediaAddress) {
        String[] checks = earlyMediaAddress == null ? new String[] {"m=audio [0-9]+ RTP/AVP 0"}
                : new String[] {"m=audio [0-9]+ RTP/AVP 0", "c=IN IP4 " + earlyMediaAddress, "a=sendonly"};
        return new String[] {
                Sipp.send(invite(callee, 1, "", rtpPort)),
                Sipp.optional(100),
                Sipp.recv(407),
                Sipp.ackNon2xx("sip:" + callee + "@[remote_ip]:[remote_port]"),
                Sipp.send(invite(callee, 2, auth("alice", "pw-alice"), rtpPort)),
                Sipp.optional(100),
                Sipp.recv(183, checks)};
    }

    /**
     * The same, then our 200 and, once acknowledged, our re-INVITE with the callee's media
     * (answered): it must name the phone's media port (sipp's -mp) on 127.0.0.1.
     */
    static String[] callUntilConnected(String callee, int rtpPort, int phoneMediaPort) {
        return callUntilConnected(callee, rtpPort, false, "c=IN IP4 127\\.0\\.0\\.1", "m=audio " + phoneMediaPort + " ");
    }

    /** The same where the callee's media is not the point (its address is not checked). */
    static String[] callUntilConnected(String callee, int rtpPort) {
        return callUntilConnected(callee, rtpPort, false);
    }

    /** The same for a callee whose media address is not known beforehand (relayed: rtpengine's). */
    static String[] callUntilConnected(String callee, int rtpPort, boolean relayed, String... calleeMedia) {
        return callUntilConnectedFrom(callee, rtpPort, relayed ? null : PUSH_SERVER, calleeMedia);
    }

    /** The same with the early media's address, a regular expression (null: not checked). */
    static String[] callUntilConnectedFrom(String callee, int rtpPort, String earlyMediaAddress, String... calleeMedia) {
        StringBuilder reInvite = new StringBuilder("<recv request=\"INVITE\"><action>"
                + "<ereg regexp=\"o=pushgate [0-9]+ 2 \" search_in=\"body\" check_it=\"true\" assign_to=\"o\"/>");
        for (int i = 0; i < calleeMedia.length; i++) {
            reInvite.append("<ereg regexp=\"").append(calleeMedia[i]).append("\" search_in=\"body\" check_it=\"true\" assign_to=\"m").append(i).append("\"/>");
        }
        return concat(callUntilEarlyMediaFrom(callee, rtpPort, earlyMediaAddress),
                Sipp.optional(180),
                "<recv response=\"200\" rrs=\"true\"/>",
                Sipp.sendOnce(inDialog(callee, "ACK", 2)),
                reInvite.append("</action></recv>").toString(),
                Calls.answerWithSdp().replace(";tag=[pid]s[call_number]", ""),
                "<recv request=\"ACK\"/>");
    }

    static String[] concat(String[] head, String... tail) {
        String[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }
}
