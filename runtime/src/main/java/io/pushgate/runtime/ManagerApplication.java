package io.pushgate.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.servlet.MultipartConfigElement;
import org.apache.catalina.Wrapper;
import org.apache.catalina.authenticator.BasicAuthenticator;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.deploy.FilterDef;
import org.apache.catalina.deploy.FilterMap;
import org.apache.catalina.deploy.LoginConfig;
import org.apache.catalina.deploy.SecurityCollection;
import org.apache.catalina.deploy.SecurityConstraint;
import org.apache.catalina.filters.CsrfPreventionFilter;
import org.apache.catalina.startup.Tomcat;

/**
 * Tomcat's own Manager application, from the container's jars, at /manager on the management
 * listener only (docs/deploy.md): the text interface for scripts (deploy, undeploy, list), the
 * HTML one with Tomcat's CSRF protection (a .sar upload works there too), the JMX proxy for the
 * container's management beans, and the status page. Tomcat's roles; the users are the console
 * users of Pushgate's database (ConsoleRealm on the engine).
 */
final class ManagerApplication {
    static final String PATH = "/manager";

    private ManagerApplication() {}

    static StandardContext create(Path docBase, int managementPort) throws IOException {
        Files.createDirectories(docBase);
        StandardContext ctx = new StandardContext();
        ctx.setName(PATH);
        ctx.setPath(PATH);
        ctx.setDocBase(docBase.toString());
        ctx.setPrivileged(true); // the Manager's servlets reach the host and its deployer
        ctx.addLifecycleListener(new Tomcat.FixContextListener());
        ctx.setLoginConfig(new LoginConfig("BASIC", "Pushgate container", null, null));
        ctx.getPipeline().addValve(new ManagementListenerOnly(managementPort));
        ctx.getPipeline().addValve(new BasicAuthenticator());

        servlet(ctx, "text", "org.apache.catalina.manager.ManagerServlet", "/text/*");
        Wrapper html = servlet(ctx, "html", "org.apache.catalina.manager.HTMLManagerServlet", "/html/*");
        html.setMultipartConfigElement(new MultipartConfigElement(null, 512L << 20, 512L << 20, 0));
        servlet(ctx, "jmxproxy", "org.apache.catalina.manager.JMXProxyServlet", "/jmxproxy/*");
        servlet(ctx, "status", "org.apache.catalina.manager.StatusManagerServlet", "/status/*");

        FilterDef csrf = filter(ctx, "csrf", new CsrfPreventionFilter(), "/html/*");
        csrf.addInitParameter("entryPoints", "/html,/html/,/html/list");
        filter(ctx, "sar-upload", new SarUpload(), "/html/upload");

        constraint(ctx, "/html/*", "manager-gui");
        constraint(ctx, "/text/*", "manager-script");
        constraint(ctx, "/jmxproxy/*", "manager-gui", "manager-jmx");
        constraint(ctx, "/status/*", "manager-gui", "manager-script", "manager-jmx", "manager-status");
        for (String role : new String[] {"manager-gui", "manager-script", "manager-jmx", "manager-status"}) ctx.addSecurityRole(role);
        return ctx;
    }

    private static Wrapper servlet(StandardContext ctx, String name, String className, String pattern) {
        Wrapper w = ctx.createWrapper();
        w.setName(name);
        w.setServletClass(className);
        w.setLoadOnStartup(-1);
        ctx.addChild(w);
        ctx.addServletMapping(pattern, name);
        return w;
    }

    private static FilterDef filter(StandardContext ctx, String name, javax.servlet.Filter filter, String pattern) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        def.setFilterClass(filter.getClass().getName());
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern(pattern);
        ctx.addFilterMap(map);
        return def;
    }

    private static void constraint(StandardContext ctx, String pattern, String... roles) {
        SecurityCollection c = new SecurityCollection();
        c.addPattern(pattern);
        SecurityConstraint sc = new SecurityConstraint();
        sc.addCollection(c);
        for (String r : roles) sc.addAuthRole(r);
        ctx.addConstraint(sc);
    }
}
