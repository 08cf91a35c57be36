package io.pushgate.provisioning;

import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletResponse;

/**
 * A page of the public listener that hands out or takes credentials: never cached, and served by
 * what the server published in the servlet context (WebParts), which is missing while it starts.
 */
abstract class PublicPage extends HttpServlet {
    /** What the server published under the type's name; null after answering {@code statusWhenMissing}. */
    protected <T> T published(Class<T> type, HttpServletResponse resp, int statusWhenMissing) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        Object o = getServletContext().getAttribute(type.getName());
        if (type.isInstance(o)) return type.cast(o);
        resp.sendError(statusWhenMissing);
        return null;
    }
}
