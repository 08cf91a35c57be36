package io.pushgate.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.servlet.sip.SipServletRequest;

/** Option tags (RFC 3261 section 19.2) in a Require or Proxy-Require header. */
public final class OptionTags {
    private OptionTags() {}

    /** The tags of every {@code header} of the request that are not {@code implemented} (lower case), as a 420's Unsupported value; empty when none. */
    public static String unsupported(SipServletRequest req, String header, Set<String> implemented) {
        List<String> unsupported = new ArrayList<>();
        req.getHeaders(header).forEachRemaining(value -> {
            for (String tag : value.split(",")) {
                String t = tag.trim();
                if (!t.isEmpty() && !implemented.contains(t.toLowerCase(Locale.ROOT))) unsupported.add(t);
            }
        });
        return String.join(", ", unsupported);
    }
}
