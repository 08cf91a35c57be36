package io.pushgate.pushserver;

import java.util.ArrayList;
import java.util.List;

/**
 * The little of SDP (RFC 4566, RFC 3264) early media needs: where the caller wants audio, which
 * G.711 law to send, our answer, and the callee's SDP re-offered under our origin.
 */
public final class SdpAudio {
    /** The two codecs early media is encoded in, with their static payload types (RFC 3551). */
    public enum Law {
        ULAW(0, "PCMU"), ALAW(8, "PCMA");

        final int payloadType;
        final String encodingName;

        Law(int payloadType, String encodingName) {
            this.payloadType = payloadType;
            this.encodingName = encodingName;
        }
    }

    /** The caller's audio stream: where to send it and the payload type to send it with. */
    public record Offer(String address, int port, Law law, int payloadType) {}

    private SdpAudio() {}

    /**
     * The first audio stream of an offer and the first G.711 codec in its preference order; null
     * when there is no audio stream or no G.711 codec in it (the caller then gets 488).
     */
    public static Offer parseOffer(String sdp) {
        String sessionAddress = null;
        String mediaAddress = null;
        int port = -1;
        List<String> formats = null;
        List<String> rtpmaps = new ArrayList<>();
        boolean inAudio = false;
        boolean done = false;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.trim();
            if (line.startsWith("m=")) {
                if (inAudio) done = true;
                if (done) break;
                String[] f = line.substring(2).split("\\s+");
                inAudio = f.length >= 4 && f[0].equals("audio") && f[2].startsWith("RTP/AVP") && !f[1].equals("0");
                if (inAudio) {
                    port = Integer.parseInt(f[1].split("/")[0]);
                    formats = List.of(f).subList(3, f.length);
                }
            } else if (line.startsWith("c=")) {
                String[] f = line.substring(2).split("\\s+");
                if (f.length < 3) continue;
                String addr = f[2].split("/")[0];
                if (formats == null) sessionAddress = addr;
                else if (inAudio) mediaAddress = addr;
            } else if (line.startsWith("a=rtpmap:") && inAudio) {
                rtpmaps.add(line.substring(9));
            }
        }
        if (formats == null) return null;
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (address == null) return null;
        for (String fmt : formats) {
            int pt;
            try {
                pt = Integer.parseInt(fmt);
            } catch (NumberFormatException e) {
                continue;
            }
            Law law = lawOf(pt, rtpmaps);
            if (law != null) return new Offer(address, port, law, pt);
        }
        return null;
    }

    private static Law lawOf(int pt, List<String> rtpmaps) {
        for (String m : rtpmaps) {
            String[] f = m.split("\\s+", 2);
            if (f.length == 2 && f[0].equals(Integer.toString(pt))) {
                String enc = f[1].toUpperCase();
                if (enc.startsWith("PCMU/8000")) return Law.ULAW;
                if (enc.startsWith("PCMA/8000")) return Law.ALAW;
                return null;
            }
        }
        return pt == 0 ? Law.ULAW : pt == 8 ? Law.ALAW : null;
    }

    /** Our answer: one audio stream, send-only (we do not listen to the caller), in the chosen law. */
    public static String answer(String address, int port, Offer offer, long sessionId, long version) {
        String ip = address.contains(":") ? "IP6" : "IP4";
        return "v=0\r\n"
                + "o=pushgate " + sessionId + " " + version + " IN " + ip + " " + address + "\r\n"
                + "s=pushgate\r\n"
                + "c=IN " + ip + " " + address + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + port + " RTP/AVP " + offer.payloadType() + "\r\n"
                + "a=rtpmap:" + offer.payloadType() + " " + offer.law().encodingName + "/8000\r\n"
                + "a=sendonly\r\n"
                + "a=ptime:20\r\n";
    }

    /**
     * The callee's session description as our next offer to the caller: same media, our origin line
     * with the next version (RFC 3264 section 8), so the caller keeps one session with us.
     */
    public static String reoffer(String calleeSdp, String address, long sessionId, long version) {
        String ip = address.contains(":") ? "IP6" : "IP4";
        StringBuilder out = new StringBuilder();
        for (String line : calleeSdp.split("\r?\n")) {
            if (line.isBlank()) continue;
            if (line.startsWith("o=")) line = "o=pushgate " + sessionId + " " + version + " IN " + ip + " " + address;
            out.append(line.trim()).append("\r\n");
        }
        return out.toString();
    }
}
