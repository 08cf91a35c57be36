package io.pushgate.server;

import io.pushgate.api.ApiKeys;
import io.pushgate.api.ApiRequest;
import io.pushgate.api.ApiResponse;
import io.pushgate.api.ApiRoute;
import io.pushgate.api.ApiRouter;
import io.pushgate.api.ApiServlet;
import io.pushgate.api.ListenerGate;
import io.pushgate.api.ManagementSettings;
import io.pushgate.auth.FailureThrottle;
import io.pushgate.console.Console;
import io.pushgate.metrics.MetricsEndpoint;
import io.pushgate.metrics.MetricsSettings;
import io.pushgate.provisioning.AccountRules;
import io.pushgate.provisioning.DeviceList;
import io.pushgate.provisioning.ProvisioningLinks;
import io.pushgate.provisioning.ProvisioningSettings;
import io.pushgate.provisioning.ProvisioningTokens;
import io.pushgate.provisioning.Signup;
import io.pushgate.provisioning.SignupChallenge;
import io.pushgate.provisioning.SmtpMailer;
import io.pushgate.provisioning.SubscriberApi;
import io.pushgate.routing.AliasTable;
import io.pushgate.trace.CallTraceApi;
import io.pushgate.uac.RemoteRegistrationApi;
import io.pushgate.uac.RemoteRegistrationTable;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of the server, assembled like the pipelines: the management API's router with
 * every module's routes, and what the public pages need. The servlet publishes them in the
 * servlet context, where the web part's servlets find them (docs/provisioning.md).
 */
final class WebParts {
    /** The OpenAPI description, kept in docs/openapi.json and packed into the archive. */
    static final String OPENAPI = "/io/pushgate/api/openapi.json";

    private final ApiRouter router;
    private final ProvisioningLinks links;
    private final ProvisioningTokens tokens;
    private final ManagementSettings management;
    private final Health health;
    private final Console console;
    /** Null unless [provisioning] signup is on. */
    private final Signup signup;

    WebParts(Assembly a, Role role) {
        this.management = ManagementSettings.from(a.config());
        ProvisioningSettings provisioning = ProvisioningSettings.from(a.config());
        ServerSettings server = ServerSettings.from(a.config());
        String base = provisioning.publicBaseUrl().isEmpty()
                ? "http://" + server.httpAddress() + ":" + server.httpPort() + "/pushgate" : provisioning.publicBaseUrl();
        String proxy = provisioning.sipProxy().isEmpty() ? "sip:" + a.domain().firstListeningAddress() + ";transport=udp" : provisioning.sipProxy();
        this.tokens = new ProvisioningTokens(a.db(), a.clock());
        this.links = new ProvisioningLinks(provisioning, base, a.domain().canonical(), proxy, a.subscribers(), tokens);
        AccountRules rules = new AccountRules(provisioning.passwordMinLength());
        SubscriberApi subscribers = new SubscriberApi(a.db(), a.subscribers(), new AliasTable(a.db(), a.clock()), a.bindings(), role.pushDevices(),
                links, a.domain().canonical(), rules, a.clock());
        this.signup = !provisioning.signup() ? null : new Signup(provisioning, rules, a.subscribers(), links, new SmtpMailer(provisioning),
                new SignupChallenge(a.clock()), new FailureThrottle(provisioning.signupPerHour(), 3600, 3600, a.clock()), a.domain().canonical());
        this.health = new Health(a.db(), !a.listeningAddresses().isEmpty());
        this.router = new ApiRouter(new ApiKeys(a.db(), a.clock()),
                new FailureThrottle(management.maxFailures(), 60, management.lockoutSeconds(), a.clock()))
                .add(subscribers.routes())
                .add(new RemoteRegistrationApi(new RemoteRegistrationTable(a.db())).routes())
                .add(new CallTraceApi(a.traces()).routes())
                .add(List.of(MetricsEndpoint.route(MetricsSettings.from(a.config()))))
                .add(health.routes())
                .add(List.of(new ApiRoute("GET", "/api/v1/openapi.json", null, WebParts::openApi)));
        this.console = new Console(a.bindings(), new DeviceList(a.db(), a.bindings(), role.pushDevices(), a.clock()), a.traces(), role.messages(),
                router, a.domain().canonical(), a.clock());
    }

    /** Servlet context attributes: name -> what the web part's servlets and filter look up. */
    Map<String, Object> attributes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ApiServlet.ROUTER, router);
        m.put(ProvisioningLinks.class.getName(), links);
        if (signup != null) m.put(Signup.class.getName(), signup);
        m.put(Console.class.getName(), console);
        if (management.enabled()) m.put(ListenerGate.MANAGEMENT_PORT, management.port());
        return m;
    }

    ApiRouter router() { return router; }

    /** The application runs on the container's listeners: ready, if the database answers too. */
    void started() {
        health.started();
    }

    void purge() {
        tokens.purge();
    }

    private static ApiResponse openApi(ApiRequest r) {
        try (InputStream in = WebParts.class.getResourceAsStream(OPENAPI)) {
            if (in == null) throw ApiResponse.fail(500, "OpenAPI description missing from the archive");
            return ApiResponse.bytes(in.readAllBytes(), "application/json");
        } catch (IOException e) {
            throw ApiResponse.fail(500, e.getMessage());
        }
    }
}
