package io.pushgate.runtime;

import java.io.IOException;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * The container's Manager answers on the management listener only; on any other it does not
 * exist (404), before any login is asked for, so its passwords cannot be tried from there.
 */
final class ManagementListenerOnly extends ValveBase {
    private final int port;

    ManagementListenerOnly(int port) {
        super(true);
        this.port = port;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getLocalPort() != port) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        getNext().invoke(request, response);
    }
}
