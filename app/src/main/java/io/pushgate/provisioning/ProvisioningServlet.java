package io.pushgate.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code GET /provisioning/{token}}: a single-use link's Linphone configuration. An unknown, used
 * or expired token gets the same 404, so a link cannot be probed.
 */
public class ProvisioningServlet extends PublicPage {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ProvisioningLinks links = published(ProvisioningLinks.class, resp, 503);
        if (links == null) return;
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
