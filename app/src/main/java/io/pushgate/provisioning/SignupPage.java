package io.pushgate.provisioning;

import java.util.Map;

/** The sign-up page's HTML: one form, no script, every value escaped. */
final class SignupPage {
    private SignupPage() {}

    static String form(String domain, SignupChallenge.Question q, Map<String, String> values, Map<String, String> problems) {
        StringBuilder b = new StringBuilder();
        b.append("<h1>Sign up at ").append(esc(domain)).append("</h1>\n<form method=\"post\" action=\"signup\">\n");
        field(b, "username", "User name", "text", values, problems);
        field(b, "email", "E-mail address (the link to set up your phone is sent there)", "email", values, problems);
        field(b, "password", "Password", "password", Map.of(), problems);
        field(b, "password2", "Password again", "password", Map.of(), problems);
        b.append("<input type=\"hidden\" name=\"token\" value=\"").append(esc(q.token())).append("\">\n");
        b.append("<label><span id=\"question\">").append(esc(q.text())).append("</span> (in digits) <input id=\"answer\" name=\"answer\" inputmode=\"numeric\" required>")
                .append("</label>").append(problem("answer", problems)).append('\n');
        b.append("<button type=\"submit\">Sign up</button>\n</form>\n");
        return html("Sign up", b.toString());
    }

    static String sent(String user, String domain) {
        return message("Check your mail", "The account " + user + "@" + domain
                + " is ready. Open the link in the mail on your phone to set it up.");
    }

    static String message(String title, String text) {
        return html(title, "<h1>" + esc(title) + "</h1>\n<p id=\"message\">" + esc(text) + "</p>\n");
    }

    private static void field(StringBuilder b, String name, String label, String type, Map<String, String> values, Map<String, String> problems) {
        b.append("<label>").append(esc(label)).append(" <input id=\"").append(name).append("\" name=\"").append(name)
                .append("\" type=\"").append(type).append("\" required value=\"").append(esc(values.getOrDefault(name, ""))).append("\">")
                .append("</label>").append(problem(name, problems)).append('\n');
    }

    private static String problem(String name, Map<String, String> problems) {
        String p = problems.get(name);
        return p == null ? "" : "<span class=\"problem\" id=\"problem-" + name + "\">" + esc(p) + "</span>";
    }

    private static String html(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                + "<title>" + esc(title) + "</title><style>label{display:block;margin:.6em 0}.problem{color:#b00;margin-left:.5em}</style>"
                + "</head><body>\n" + body + "</body></html>\n";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
