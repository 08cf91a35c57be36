package io.pushgate.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code /signup} on the public listener: GET the form, POST it (docs/provisioning.md). Off by
 * default, and then 404 as if it did not exist. Answers: 201 the mail went out, 422 the form again
 * with what is wrong, 429 too many attempts from this address, 503 the mail server did not take it.
 */
public class SignupServlet extends PublicPage {
    private static final String[] FIELDS = {"username", "email", "password", "password2", "token", "answer"};

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Signup signup = signup(resp);
        if (signup != null) page(resp, 200, SignupPage.form(signup.domain(), signup.question(), Map.of(), Map.of()));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Signup signup = signup(resp);
        if (signup == null) return;
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            resp.sendError(415, "expected a form (application/x-www-form-urlencoded)");
            return;
        }
        req.setCharacterEncoding(StandardCharsets.UTF_8.name());
        Map<String, String> form = new HashMap<>();
        for (String f : FIELDS) {
            String v = req.getParameter(f);
            if (v != null && v.length() <= 512) form.put(f, v);
        }
        Signup.Outcome outcome = signup.submit(req.getRemoteAddr(), form);
        if (outcome instanceof Signup.Created c) {
            page(resp, 201, SignupPage.sent(c.username(), signup.domain()));
        } else if (outcome instanceof Signup.Rejected r) {
            page(resp, 422, SignupPage.form(signup.domain(), signup.question(), form, r.problems()));
        } else if (outcome instanceof Signup.Limited l) {
            resp.setHeader("Retry-After", Long.toString(l.retryAfterSeconds()));
            page(resp, 429, SignupPage.message("Too many sign-ups", "Too many sign-ups from your address; try again later."));
        } else {
            page(resp, 503, SignupPage.message("Not signed up", "The confirmation mail could not be sent, so no account was made. Try again later."));
        }
    }

    /** Null when sign-up is off: 404, as if the page did not exist. */
    private Signup signup(HttpServletResponse resp) throws IOException {
        return published(Signup.class, resp, 404);
    }

    private static void page(HttpServletResponse resp, int status, String html) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/html;charset=UTF-8");
        resp.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }
}
