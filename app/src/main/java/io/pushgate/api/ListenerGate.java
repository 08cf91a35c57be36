package io.pushgate.api;

import java.io.IOException;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Keeps the two HTTP listeners apart: the management API and console answer only on the
 * management listener, the public pages (web phone, launch and provisioning links, sign-up) only
 * on the public one. Anything asked on the wrong listener is 404, as if it did not exist there.
 */
public class ListenerGate implements Filter {
    /** Servlet context attribute: the management listener's port, published by the server. */
    public static final String MANAGEMENT_PORT = ListenerGate.class.getName() + ".port";
    private static final String[] MANAGEMENT_PATHS = {"/api/", "/console", "/metrics", "/health"};

    private javax.servlet.ServletContext context;

    @Override
    public void init(FilterConfig config) {
        this.context = config.getServletContext();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String path = req.getRequestURI().substring(req.getContextPath().length());
        boolean management = false;
        for (String p : MANAGEMENT_PATHS) management |= path.startsWith(p);
        boolean onManagement = context.getAttribute(MANAGEMENT_PORT) instanceof Integer port && port == req.getLocalPort();
        if (management != onManagement) {
            ((HttpServletResponse) response).sendError(404);
            return;
        }
        chain.doFilter(request, response);
    }

    @Override
    public void destroy() {}
}
