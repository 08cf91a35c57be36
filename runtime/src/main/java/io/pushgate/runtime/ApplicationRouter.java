package io.pushgate.runtime;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.log4j.Logger;
import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;

/**
 * The container's application router configuration as one text attribute, {@value #NAME}: read
 * and set through the Manager's JMX proxy ({@code ?get=} and {@code ?set=}), whose operation calls
 * cannot carry the DAR text (it splits parameters on commas). Changes last until the next start,
 * which writes the router file again.
 */
public final class ApplicationRouter implements ApplicationRouterMBean {
    public static final String NAME = "io.pushgate:type=ApplicationRouter";
    private static final Logger log = Logger.getLogger(ApplicationRouter.class);

    private final SipApplicationDispatcherImpl dispatcher;

    private ApplicationRouter(SipApplicationDispatcherImpl dispatcher) {
        this.dispatcher = dispatcher;
    }

    static void publish(SipApplicationDispatcherImpl dispatcher) throws JMException {
        ObjectName name = new ObjectName(NAME);
        var server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) server.unregisterMBean(name);
        server.registerMBean(new ApplicationRouter(dispatcher), name);
    }

    @Override
    public String getConfiguration() {
        return String.valueOf(dispatcher.retrieveApplicationRouterConfigurationString());
    }

    @Override
    public void setConfiguration(String dar) {
        if (dar == null || dar.isBlank()) throw new IllegalArgumentException("an empty configuration would route nothing");
        dispatcher.updateApplicationRouterConfiguration((java.io.Serializable) dar);
        log.warn("application router configuration changed through JMX:\n" + dar);
    }
}
