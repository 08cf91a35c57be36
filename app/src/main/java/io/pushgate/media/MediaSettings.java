package io.pushgate.media;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** The [media] section: calls anchored in rtpengine, and the flags for each kind of caller and callee. */
public record MediaSettings(List<NgClient.Instance> instances, int timeoutMs, int retries, int downForSeconds,
                            boolean proceedWithoutRelay, FlagTable flags) {

    /** The offer and answer flags by caller and callee transport (WebSocket or plain). */
    public record FlagTable(String offerPlainPlain, String answerPlainPlain, String offerWsPlain, String answerWsPlain,
                            String offerPlainWs, String answerPlainWs, String offerWsWs, String answerWsWs) {
        public String offer(boolean callerWs, boolean calleeWs) {
            return callerWs ? (calleeWs ? offerWsWs : offerWsPlain) : (calleeWs ? offerPlainWs : offerPlainPlain);
        }

        public String answer(boolean callerWs, boolean calleeWs) {
            return callerWs ? (calleeWs ? answerWsWs : answerWsPlain) : (calleeWs ? answerPlainWs : answerPlainPlain);
        }
    }

    public static final ConfigSection SECTION = new ConfigSection("media",
            "Media relay: calls with SDP are anchored in rtpengine through its NG control protocol (docs/media.md).");
    static final ConfigKey<List<String>> RTPENGINE = SECTION.list("rtpengine", "",
            "rtpengine NG control addresses as host:port or host:port=weight; empty disables the media relay.");
    static final ConfigKey<Integer> TIMEOUT = SECTION.integer("timeout-ms", 500, 10, 10_000,
            "Milliseconds to wait for an rtpengine answer before sending the command again.");
    static final ConfigKey<Integer> RETRIES = SECTION.integer("retries", 2, 0, 10,
            "Times a command is sent again to one rtpengine before the next one is tried.");
    static final ConfigKey<Integer> DOWN_FOR = SECTION.integer("down-for", 30, 1, 3600,
            "Seconds an rtpengine that did not answer is skipped for new calls.");
    static final ConfigKey<Boolean> PROCEED = SECTION.bool("proceed-without-relay", false,
            "When no rtpengine answers: false answers the call 503, true lets it through with its own SDP.");
    // Browsers insist on RTCP multiplexed with RTP (RFC 5761); plain phones get them apart.
    private static final String PLAIN = "RTP/AVP replace-session-connection replace-origin ICE=remove rtcp-mux-demux";
    private static final String TO_WEBRTC = "UDP/TLS/RTP/SAVPF ICE=force rtcp-mux-require";
    private static final String WEBRTC_BOTH = "ICE=force-relay DTLS=passive";
    static final ConfigKey<String> OFFER_PLAIN_PLAIN = SECTION.string("offer-plain-plain", PLAIN, "Offer flags, plain caller to plain callee.");
    static final ConfigKey<String> ANSWER_PLAIN_PLAIN = SECTION.string("answer-plain-plain", PLAIN, "Answer flags, plain caller to plain callee.");
    static final ConfigKey<String> OFFER_WS_PLAIN = SECTION.string("offer-ws-plain", PLAIN, "Offer flags, WebSocket caller to plain callee.");
    static final ConfigKey<String> ANSWER_WS_PLAIN = SECTION.string("answer-ws-plain", TO_WEBRTC, "Answer flags, WebSocket caller to plain callee.");
    static final ConfigKey<String> OFFER_PLAIN_WS = SECTION.string("offer-plain-ws", TO_WEBRTC, "Offer flags, plain caller to WebSocket callee.");
    static final ConfigKey<String> ANSWER_PLAIN_WS = SECTION.string("answer-plain-ws", PLAIN, "Answer flags, plain caller to WebSocket callee.");
    static final ConfigKey<String> OFFER_WS_WS = SECTION.string("offer-ws-ws", WEBRTC_BOTH, "Offer flags, WebSocket caller to WebSocket callee.");
    static final ConfigKey<String> ANSWER_WS_WS = SECTION.string("answer-ws-ws", WEBRTC_BOTH, "Answer flags, WebSocket caller to WebSocket callee.");

    public static MediaSettings from(Config c) {
        List<NgClient.Instance> list = new ArrayList<>();
        for (String item : c.get(RTPENGINE)) {
            try {
                String[] hw = item.split("=", 2);
                int weight = hw.length > 1 ? Integer.parseInt(hw[1]) : 1;
                int colon = hw[0].lastIndexOf(':');
                if (colon <= 0 || weight < 0) throw new IllegalArgumentException();
                list.add(new NgClient.Instance(new InetSocketAddress(hw[0].substring(0, colon), Integer.parseInt(hw[0].substring(colon + 1))), weight));
            } catch (RuntimeException e) {
                throw new ConfigException(RTPENGINE.qualifiedName(), "expected host:port[=weight], got " + item);
            }
        }
        return new MediaSettings(list, c.get(TIMEOUT), c.get(RETRIES), c.get(DOWN_FOR), c.get(PROCEED),
                new FlagTable(c.get(OFFER_PLAIN_PLAIN), c.get(ANSWER_PLAIN_PLAIN), c.get(OFFER_WS_PLAIN), c.get(ANSWER_WS_PLAIN),
                        c.get(OFFER_PLAIN_WS), c.get(ANSWER_PLAIN_WS), c.get(OFFER_WS_WS), c.get(ANSWER_WS_WS)));
    }

    public boolean enabled() { return !instances.isEmpty(); }
}
