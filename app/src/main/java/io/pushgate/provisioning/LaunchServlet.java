package io.pushgate.provisioning;

import java.io.IOException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code GET /sipphone?c=...}: the launcher link's landing, a redirect to {@code sipphone://<c>} that
 * opens the app (301 as sip:carrier documents, or [provisioning] launcher-redirect). {@code c}
 * carries the password, so it is never logged and the answer is never cached.
 */
public class LaunchServlet extends PublicPage {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ProvisioningLinks links = published(ProvisioningLinks.class, resp, 503);
        if (links == null) return;
        String target = LauncherLink.launchTarget(req.getParameter("c"));
        if (target == null) {
            resp.sendError(400, "c is not a launcher link");
            return;
        }
        resp.setStatus(links.redirectStatus());
        resp.setHeader("Location", "sipphone://" + target);
    }
}
