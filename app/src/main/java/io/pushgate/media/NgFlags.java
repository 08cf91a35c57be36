package io.pushgate.media;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a flag string as operators write it ({@code RTP/AVP replace-origin ICE=remove}) into the
 * keys of an NG command, the way carrier proxies do: a transport protocol, {@code replace-*}
 * into the replace list, {@code rtcp-mux-*} into the rtcp-mux list, {@code KEY=value} into its
 * own key, anything else into flags.
 */
public final class NgFlags {
    private NgFlags() {}

    public static Map<String, Object> parse(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        List<String> replace = new ArrayList<>();
        List<String> rtcpMux = new ArrayList<>();
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) continue;
            if (word.startsWith("RTP/") || word.startsWith("UDP/TLS/")) {
                out.put("transport-protocol", word);
            } else if (word.startsWith("replace-")) {
                replace.add(word.substring("replace-".length()));
            } else if (word.startsWith("rtcp-mux-")) {
                rtcpMux.add(word.substring("rtcp-mux-".length()));
            } else if (word.contains("=")) {
                out.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
            } else {
                flags.add(word);
            }
        }
        if (!flags.isEmpty()) out.put("flags", flags);
        if (!replace.isEmpty()) out.put("replace", replace);
        if (!rtcpMux.isEmpty()) out.put("rtcp-mux", rtcpMux);
        return out;
    }
}
