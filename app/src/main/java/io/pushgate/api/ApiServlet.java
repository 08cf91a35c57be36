package io.pushgate.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** The HTTP side of the management API ({@code /api/*}): hands each call to the {@link ApiRouter} the server put in the context. */
public class ApiServlet extends HttpServlet {
    /** Servlet context attribute under which the server publishes its router. */
    public static final String ROUTER = ApiRouter.class.getName();

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!(getServletContext().getAttribute(ROUTER) instanceof ApiRouter router)) {
            resp.setHeader("Retry-After", "5");
            resp.sendError(503, "starting");
            return;
        }
        String path = req.getRequestURI().substring(req.getContextPath().length());
        Map<String, String> query = new HashMap<>();
        if (req.getQueryString() != null) {
            for (String pair : req.getQueryString().split("&")) {
                int eq = pair.indexOf('=');
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                query.putIfAbsent(name, eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        Map<String, String> headers = new HashMap<>();
        for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
            String n = names.nextElement();
            headers.put(n.toLowerCase(), req.getHeader(n));
        }
        byte[] body = req.getInputStream().readNBytes(1 << 20);
        ApiResponse r = router.dispatch(req.getMethod(), path, query, headers, body, req.getRemoteAddr());
        resp.setStatus(r.status());
        resp.setHeader("Cache-Control", "no-store");
        r.headers().forEach(resp::setHeader);
        if (r.json() != null) {
            resp.setContentType("application/json;charset=UTF-8");
            resp.getOutputStream().write(r.json().toString().getBytes(StandardCharsets.UTF_8));
        } else if (r.bytes() != null) {
            resp.setContentType(r.contentType());
            resp.getOutputStream().write(r.bytes());
        }
    }
}
