package io.pushgate.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One route of the management API: method, path template ("/api/v1/subscribers/{user}"), the scope it needs, its handler. */
public record ApiRoute(String method, String template, ApiScope scope, Handler handler) {
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request);
    }

    /** The path parameters when {@code path} matches this route's template, or null. */
    Map<String, String> match(String path) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([a-z-]+)}").matcher(template);
        StringBuilder re = new StringBuilder();
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        re.append(Pattern.quote(template.substring(last)));
        Matcher p = Pattern.compile(re.toString()).matcher(path);
        if (!p.matches()) return null;
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) params.put(names.get(i), segment(p.group(i + 1)));
        return params;
    }

    // A path segment is %-escaped; '+' is itself there (unlike in a form), and a broken escape is the caller's error.
    private static String segment(String raw) {
        try {
            return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiResponse.fail(400, "the path has a broken %-escape");
        }
    }
}
