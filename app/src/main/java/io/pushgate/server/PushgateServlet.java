package io.pushgate.server;

import io.pushgate.config.ConfigException;
import io.pushgate.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.ServletException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one SIP servlet: every request and response goes to the role's pipeline ({@link Pushgate});
 * subsequent requests no step takes are forwarded by the container along the record-route.
 * Declared in WEB-INF/sip.xml, with the application's name and session timeout.
 */
public class PushgateServlet extends SipServlet implements javax.servlet.sip.SipServletListener {
    private static final Logger log = LoggerFactory.getLogger(PushgateServlet.class);
    private static final String APP = Pushgate.class.getName();
    private transient Pushgate app;

    @Override
    public void init() throws ServletException {
        SipFactory factory = (SipFactory) getServletContext().getAttribute(SIP_FACTORY);
        List<String[]> addresses = new ArrayList<>();
        Object interfaces = getServletContext().getAttribute(OUTBOUND_INTERFACES);
        if (interfaces instanceof List<?> list) {
            for (Object o : list) if (o instanceof SipURI u) addresses.add(new String[] {u.getHost(), Integer.toString(u.getPort())});
        }
        try {
            app = new Pushgate(Modules.fromSystemProperty(), factory, addresses);
            getServletContext().setAttribute(APP, app);
            app.webAttributes().forEach(getServletContext()::setAttribute);
        } catch (ConfigException | StoreUnavailableException e) {
            log.error("Pushgate cannot start: {}", e.getMessage());
            throw new ServletException(e.getMessage(), e);
        }
    }

    /**
     * The container says the servlet is initialized: requests sent from now on can be answered. The
     * container may call a listener instance of its own, so the application is found in the context.
     */
    @Override
    public void servletInitialized(javax.servlet.sip.SipServletContextEvent event) {
        if (event.getSipServlet() instanceof PushgateServlet && event.getServletContext().getAttribute(APP) instanceof Pushgate started) {
            started.started();
        }
    }

    @Override
    protected void doRequest(SipServletRequest req) {
        if (req.isInitial()) app.handle(req);
        else app.onSubsequent(req);
    }

    /** The container relays responses of proxied requests itself; the steps only see them. */
    @Override
    protected void doResponse(SipServletResponse resp) {
        if (app != null) app.onResponse(resp);
    }

    /** A final response of one proxy branch: the container hands these here, never to doResponse. */
    @Override
    protected void doBranchResponse(SipServletResponse resp) {
        if (app != null) app.onResponse(resp);
    }

    @Override
    public void destroy() {
        if (app != null) app.close();
    }
}
