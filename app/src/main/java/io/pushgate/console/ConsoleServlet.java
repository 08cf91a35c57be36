package io.pushgate.console;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.pushgate.api.ApiResponse;
import io.pushgate.gateway.StoredMessage;
import io.pushgate.trace.CallTrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Pushgate's console ({@code /console}, management listener, role pushgate-console; docs/operations.md):
 * registrations and devices, waiting calls and traces, stored messages, subscribers and aliases,
 * remote registrations. One round trip per action; deleting posts a form with the user's token.
 */
public class ConsoleServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Console c = console(resp);
        if (c == null) return;
        String view = req.getPathInfo() == null ? "/" : req.getPathInfo();
        String base = req.getContextPath() + "/console";
        ConsolePage page = switch (view) {
            case "/", "" -> overview(c, base);
            case "/registrations" -> registrations(c, base, req.getRemoteUser(), param(req, "user"));
            case "/calls" -> calls(c, base);
            case "/calls/trace" -> trace(c, param(req, "id"));
            case "/messages" -> messages(c, base, req.getRemoteUser());
            case "/subscribers" -> subscribers(c, base, req.getRemoteUser(), param(req, "offset"));
            case "/remote-registrations" -> remoteRegistrations(c);
            default -> null;
        };
        if (page == null) {
            resp.sendError(404);
            return;
        }
        write(resp, page, req.getRemoteUser(), base);
    }

    private static void write(HttpServletResponse resp, ConsolePage page, String user, String base) throws IOException {
        resp.setContentType("text/html;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'");
        resp.getOutputStream().write(page.render(user, base).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Console c = console(resp);
        if (c == null) return;
        req.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String origin = req.getHeader("Origin");
        String self = req.getScheme() + "://" + req.getHeader("Host");
        if (!c.validToken(req.getRemoteUser(), req.getParameter("csrf")) || (origin != null && !origin.equalsIgnoreCase(self))) {
            resp.sendError(403, "the form's token is missing or wrong; reload the page");
            return;
        }
        String base = req.getContextPath() + "/console";
        String view = req.getPathInfo() == null ? "" : req.getPathInfo();
        switch (view) {
            case "/registrations/delete" -> {
                String aor = req.getParameter("aor");
                if (aor == null || !c.devices.delete(aor, req.getParameter("id"))) {
                    resp.sendError(404, "no such binding");
                    return;
                }
                seeOther(resp, base + "/registrations?user=" + java.net.URLEncoder.encode(aor, StandardCharsets.UTF_8));
            }
            case "/subscribers/provisioning-link" -> {
                String user = String.valueOf(req.getParameter("user"));
                ApiResponse link = c.api.callInternally("POST", "/api/v1/subscribers/" + user + "/provisioning-link", Map.of());
                if (link.status() != 201) {
                    resp.sendError(link.status(), String.valueOf(link.json()));
                    return;
                }
                JsonObject o = link.json().getAsJsonObject();
                ConsolePage page = new ConsolePage("Provisioning link for " + user)
                        .p("Open it on the phone, or scan the code with Linphone, within [provisioning] link-lifetime minutes; it works once.")
                        .html("<p id=\"link\">" + ConsolePage.esc(s(o, "url")) + "</p>")
                        .html("<img id=\"qr\" alt=\"QR code of the link\" src=\"" + ConsolePage.esc(s(o, "qrPng")) + "\">");
                write(resp, page, req.getRemoteUser(), base);
            }
            case "/messages/delete" -> {
                if (c.messages == null || !c.messages.delete(String.valueOf(req.getParameter("id")))) {
                    resp.sendError(404, "no such message");
                    return;
                }
                seeOther(resp, base + "/messages");
            }
            default -> resp.sendError(404);
        }
    }

    private Console console(HttpServletResponse resp) throws IOException {
        if (getServletContext().getAttribute(Console.class.getName()) instanceof Console c) return c;
        resp.setHeader("Retry-After", "5");
        resp.sendError(503, "starting");
        return null;
    }

    private static void seeOther(HttpServletResponse resp, String location) {
        resp.setStatus(303);
        resp.setHeader("Location", location);
    }

    private static String param(HttpServletRequest req, String name) {
        String v = req.getParameter(name);
        return v == null ? "" : v.strip();
    }

    private static ConsolePage overview(Console c, String base) {
        long waiting = c.traces.recent(Integer.MAX_VALUE).stream().filter(t -> !t.ended()).count();
        ConsolePage p = new ConsolePage("Overview");
        p.table("overview", List.of("what", "now"), List.of(
                List.of(ConsolePage.link(base + "/registrations", "addresses of record with a binding"), Integer.toString(c.bindings.aorCount())),
                List.of("bindings", Integer.toString(c.bindings.bindingCount())),
                List.of(ConsolePage.link(base + "/calls", "calls waiting for a device"), Long.toString(waiting)),
                List.of(ConsolePage.link(base + "/messages", "messages waiting for a device"),
                        c.messages == null ? "(not a gateway)" : Integer.toString(c.messages.waiting(10_000).size()))));
        return p;
    }

    /** The AOR a search means: a full SIP URI as given, a user name in the local domain. */
    private static String aor(Console c, String user) {
        if (user.startsWith("sip:") || user.startsWith("sips:")) return user;
        return "sip:" + (user.contains("@") ? user : user + "@" + c.domain);
    }

    /** A user's (or an AOR's) devices when one is asked for, and the addresses of record that match the search. */
    private static ConsolePage registrations(Console c, String base, String user, String search) {
        ConsolePage p = new ConsolePage("Registrations");
        p.search(base + "/registrations", "user", search, "User or address of record");
        String shown = search.isEmpty() ? null : aor(c, search);
        if (shown != null) p.h2(shown).table("devices", DEVICE_HEADERS, rowsOfDevices(c, base, user, shown));
        List<List<String>> rows = new ArrayList<>();
        for (String a : c.bindings.aors(search, 200)) {
            if (a.equals(shown)) continue;
            rows.add(List.of(ConsolePage.link(base + "/registrations?user=" + java.net.URLEncoder.encode(a, StandardCharsets.UTF_8), a),
                    Integer.toString(c.bindings.current(a).size())));
        }
        return p.h2(shown == null ? "Addresses of record" : "Others matching").table("aors", List.of("address of record", "live bindings"), rows);
    }

    private static final List<String> DEVICE_HEADERS = List.of("contact", "registered", "transport", "expires in (s)", "user agent",
            "push provider", "push token alive", "");

    private static List<List<String>> rowsOfDevices(Console c, String base, String user, String aor) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonElement e : c.devices.of(aor)) {
            JsonObject d = e.getAsJsonObject();
            rows.add(List.of(ConsolePage.esc(s(d, "contact")), s(d, "registered"), ConsolePage.esc(s(d, "transport")), s(d, "expiresIn"),
                    ConsolePage.esc(s(d, "userAgent")), ConsolePage.esc(s(d, "pushProvider")), s(d, "pushTokenAlive"),
                    ConsolePage.postButton(base + "/registrations/delete", "Delete", c.formToken(user), "aor", aor, "id", s(d, "id"))));
        }
        return rows;
    }

    private static String s(JsonObject o, String field) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : "";
    }

    private static ConsolePage calls(Console c, String base) {
        ConsolePage p = new ConsolePage("Calls");
        long now = c.clock.getAsLong();
        List<List<String>> waiting = new ArrayList<>();
        List<List<String>> recent = new ArrayList<>();
        for (CallTrace t : c.traces.recent(200)) {
            JsonObject j = t.json();
            long pushes = 0;
            for (JsonElement e : j.getAsJsonArray("events")) if (s(e.getAsJsonObject(), "type").equals("push")) pushes++;
            String link = ConsolePage.link(base + "/calls/trace?id=" + java.net.URLEncoder.encode(t.callId(), StandardCharsets.UTF_8), t.callId());
            if (!t.ended()) {
                waiting.add(List.of(link, ConsolePage.esc(s(j, "callee")), Long.toString(t.devicesPushed()), Long.toString(pushes),
                        Long.toString((now - t.startedAt()) / 1000)));
            } else {
                recent.add(List.of(link, ConsolePage.esc(s(j, "callee")), Long.toString(pushes), s(j, "outcome"), ConsolePage.esc(s(j, "reason"))));
            }
        }
        return p.h2("Waiting for a device").table("waiting", List.of("call", "callee", "devices pushed", "pushes sent", "waited (s)"), waiting)
                .h2("Recent").table("recent", List.of("call", "callee", "pushes sent", "outcome", "reason"), recent);
    }

    private static ConsolePage trace(Console c, String id) {
        var t = c.traces.find(id);
        if (t.isEmpty()) return new ConsolePage("Trace").p("No trace of call " + id + " (ended calls are kept [trace] retention minutes).");
        JsonObject j = t.get().json();
        List<List<String>> rows = new ArrayList<>();
        for (JsonElement e : j.getAsJsonArray("events")) {
            JsonObject ev = e.getAsJsonObject();
            rows.add(List.of(s(ev, "ms"), ConsolePage.esc(s(ev, "type")), ConsolePage.esc(s(ev, "detail"))));
        }
        return new ConsolePage("Trace of " + id).p("Callee " + s(j, "callee") + (j.has("outcome") ? ", " + s(j, "outcome") + ": " + s(j, "reason") : ", waiting"))
                .table("events", List.of("ms", "event", "detail"), rows);
    }

    private static ConsolePage messages(Console c, String base, String user) {
        ConsolePage p = new ConsolePage("Messages");
        if (c.messages == null) return p.p("Messages are stored for sleeping devices by the gateway role only.");
        long now = c.clock.getAsLong();
        List<List<String>> rows = new ArrayList<>();
        for (StoredMessage m : c.messages.waiting(500)) {
            rows.add(List.of(ConsolePage.esc(m.aor()), ConsolePage.esc(m.from()), Long.toString((m.expiresAt() - now) / 1000),
                    ConsolePage.postButton(base + "/messages/delete", "Delete", c.formToken(user), "id", m.id())));
        }
        return p.table("messages", List.of("for", "from", "expires in (s)", ""), rows);
    }

    private static ConsolePage subscribers(Console c, String base, String user, String offsetText) {
        int offset = offsetText.matches("\\d{1,9}") ? Integer.parseInt(offsetText) : 0;
        ApiResponse page = c.api.callInternally("GET", "/api/v1/subscribers", Map.of("offset", Integer.toString(offset), "limit", "50"));
        ConsolePage p = new ConsolePage("Subscribers");
        if (page.status() != 200) return p.p("The subscriber list is not available: " + page.json());
        List<List<String>> rows = new ArrayList<>();
        for (JsonElement e : page.json().getAsJsonObject().getAsJsonArray("items")) {
            JsonObject s = e.getAsJsonObject();
            String name = s(s, "username");
            ApiResponse aliases = c.api.callInternally("GET", "/api/v1/subscribers/" + name + "/aliases", Map.of());
            List<String> names = new ArrayList<>();
            if (aliases.status() == 200) aliases.json().getAsJsonObject().getAsJsonArray("aliases").forEach(a -> names.add(a.getAsString()));
            rows.add(List.of(ConsolePage.link(base + "/registrations?user=" + name, name), s(s, "registered"), s(s, "push"),
                    ConsolePage.esc(s(s, "email")), ConsolePage.esc(String.join(", ", names)),
                    ConsolePage.postButton(base + "/subscribers/provisioning-link", "Provisioning link", c.formToken(user), "user", name)));
        }
        int total = page.json().getAsJsonObject().get("total").getAsInt();
        p.p(total + " subscribers; " + (offset + 1) + " to " + Math.min(total, offset + 50) + " shown.");
        if (offset + 50 < total) p.html(ConsolePage.link(base + "/subscribers?offset=" + (offset + 50), "next"));
        return p.table("subscribers", List.of("user", "registered", "push", "e-mail", "aliases", ""), rows);
    }

    private static ConsolePage remoteRegistrations(Console c) {
        ApiResponse r = c.api.callInternally("GET", "/api/v1/remote-registrations", Map.of());
        ConsolePage p = new ConsolePage("Remote registrations");
        List<List<String>> rows = new ArrayList<>();
        for (JsonElement e : r.json().getAsJsonObject().getAsJsonArray("items")) {
            JsonObject o = e.getAsJsonObject();
            rows.add(List.of(ConsolePage.esc(s(o, "l_uuid")), ConsolePage.esc(s(o, "r_username") + "@" + s(o, "r_domain")),
                    ConsolePage.esc(s(o, "state")), ConsolePage.esc(s(o, "last_status") + " " + s(o, "last_reason")), s(o, "attempts")));
        }
        return p.table("remote-registrations", List.of("l_uuid", "at the provider", "state", "last answer", "failures"), rows);
    }
}
