package io.pushgate.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code GET /provisioning/{token}}: a single-use link's Linphone configuration. An unknown, used
 * or expired token gets the same 404, so a link cannot be probed.
 */
public class ProvisioningServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        if (!(getServletContext().getAttribute(ProvisioningLinks.class.getName()) instanceof ProvisioningLinks links)) {
            resp.sendError(503);
            return;
        }
        String token = req.getPathInfo() == null ? "" : req.getPathInfo().replaceFirst("^/", "");
        Optional<String> config = token.isEmpty() || token.contains("/") ? Optional.empty() : links.linphoneConfig(token);
        if (config.isEmpty()) {
            resp.sendError(404);
            return;
        }
        resp.setContentType("application/xml;charset=UTF-8");
        resp.getOutputStream().write(config.get().getBytes(StandardCharsets.UTF_8));
    }
}
