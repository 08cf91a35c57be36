package io.pushgate.console;

import java.util.List;

/** The console's HTML: one page per view, a navigation bar, tables, plain forms; no script. */
final class ConsolePage {
    private static final String[][] NAV = {{"", "Overview"}, {"registrations", "Registrations"}, {"calls", "Calls"},
            {"messages", "Messages"}, {"subscribers", "Subscribers"}, {"remote-registrations", "Remote registrations"}};

    private final StringBuilder b = new StringBuilder();
    private final String title;

    ConsolePage(String title) {
        this.title = title;
    }

    ConsolePage h2(String text) {
        b.append("<h2>").append(esc(text)).append("</h2>\n");
        return this;
    }

    ConsolePage p(String text) {
        b.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    /** Raw HTML made by this class's callers from escaped parts. */
    ConsolePage html(String html) {
        b.append(html).append('\n');
        return this;
    }

    ConsolePage table(String id, List<String> headers, List<List<String>> rowsHtml) {
        b.append("<table id=\"").append(id).append("\"><thead><tr>");
        for (String h : headers) b.append("<th>").append(esc(h)).append("</th>");
        b.append("</tr></thead><tbody>\n");
        for (List<String> row : rowsHtml) {
            b.append("<tr>");
            for (String cell : row) b.append("<td>").append(cell).append("</td>");
            b.append("</tr>\n");
        }
        if (rowsHtml.isEmpty()) b.append("<tr><td colspan=\"").append(headers.size()).append("\" class=\"none\">none</td></tr>\n");
        b.append("</tbody></table>\n");
        return this;
    }

    ConsolePage search(String action, String name, String value, String label) {
        b.append("<form method=\"get\" action=\"").append(action).append("\"><label>").append(esc(label)).append(" <input name=\"")
                .append(name).append("\" value=\"").append(esc(value)).append("\"></label> <button>Search</button></form>\n");
        return this;
    }

    /** A button that posts {@code fields} (and the form token) to {@code action}. */
    static String postButton(String action, String label, String csrf, String... fields) {
        StringBuilder f = new StringBuilder("<form method=\"post\" action=\"").append(action).append("\" class=\"inline\">");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            f.append("<input type=\"hidden\" name=\"").append(fields[i]).append("\" value=\"").append(esc(fields[i + 1])).append("\">");
        }
        f.append("<input type=\"hidden\" name=\"csrf\" value=\"").append(esc(csrf)).append("\"><button>").append(esc(label)).append("</button></form>");
        return f.toString();
    }

    static String link(String href, String text) {
        return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
    }

    String render(String user, String base) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pushgate: ")
                .append(esc(title)).append("</title><style>body{font:14px sans-serif;margin:1em 2em}nav a{margin-right:1em}"
                        + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}"
                        + "th{background:#eee}.none{color:#888}form.inline{display:inline}</style></head><body>\n<nav>");
        for (String[] n : NAV) h.append("<a href=\"").append(base).append(n[0].isEmpty() ? "" : "/" + n[0]).append("\">").append(n[1]).append("</a>");
        h.append("<span class=\"user\">").append(esc(user)).append("</span></nav>\n<h1>").append(esc(title)).append("</h1>\n");
        return h.append(b).append("</body></html>\n").toString();
    }

    static String esc(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
