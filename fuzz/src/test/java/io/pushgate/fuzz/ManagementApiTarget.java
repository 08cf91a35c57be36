package io.pushgate.fuzz;

import io.pushgate.api.ApiKeys;
import io.pushgate.api.ApiResponse;
import io.pushgate.api.ApiRouter;
import io.pushgate.api.ApiScope;
import io.pushgate.auth.AuthSettings;
import io.pushgate.auth.FailureThrottle;
import io.pushgate.config.Config;
import io.pushgate.provisioning.AccountRules;
import io.pushgate.provisioning.ProvisioningLinks;
import io.pushgate.provisioning.ProvisioningSettings;
import io.pushgate.provisioning.ProvisioningTokens;
import io.pushgate.provisioning.SubscriberApi;
import io.pushgate.pushserver.PushDevices;
import io.pushgate.registrar.BindingStore;
import io.pushgate.routing.AliasTable;
import io.pushgate.server.Modules;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.SubscriberDirectory;
import io.pushgate.trace.CallTraceApi;
import io.pushgate.trace.CallTraces;
import io.pushgate.trace.TraceSettings;
import io.pushgate.uac.RemoteRegistrationApi;
import io.pushgate.uac.RemoteRegistrationTable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A management API call with an administrator's key: a method, a path under /api/v1/, a query
 * and a JSON body, all from the input. Whatever they hold, the answer is a client error or a
 * success, never a 500.
 */
public final class ManagementApiTarget implements FuzzTarget {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static ManagementApiTarget instance;

    private final ApiRouter router;
    private final String key;

    static synchronized ManagementApiTarget instance() {
        if (instance == null) instance = new ManagementApiTarget();
        return instance;
    }

    /** Jazzer calls this once before the first input, outside the per-input timeout: the database is set up here. */
    public static void fuzzerInitialize() {
        instance();
    }

    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        instance().run(data);
    }

    private ManagementApiTarget() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        Config config = Config.defaults(Modules.sections());
        Database db = new Database(new DatabaseSettings("jdbc:h2:mem:fuzzapi;DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10), Modules.entities());
        SubscriberDirectory subscribers = new SubscriberDirectory(db, "example.com", AuthSettings.PasswordStorage.HA1, now::get);
        subscribers.add("alice", "a long secret 1");
        ProvisioningSettings provisioning = ProvisioningSettings.from(config);
        ProvisioningLinks links = new ProvisioningLinks(provisioning, "https://voip.example.com/pushgate", "example.com",
                "sip:voip.example.com;transport=tcp", subscribers, new ProvisioningTokens(db, now::get));
        ApiKeys keys = new ApiKeys(db, now::get);
        this.key = keys.add("fuzz", ApiScope.ADMIN);
        this.router = new ApiRouter(keys, new FailureThrottle(3, 60, 300, now::get))
                .add(new SubscriberApi(db, subscribers, new AliasTable(db, now::get), new BindingStore(db, now::get), new PushDevices(db, now::get),
                        links, "example.com", new AccountRules(provisioning.passwordMinLength()), now::get).routes())
                .add(new RemoteRegistrationApi(new RemoteRegistrationTable(db)).routes())
                .add(new CallTraceApi(new CallTraces(TraceSettings.from(config), now::get)).routes());
    }

    /** Input: a method byte, then the path, the query and the body, separated by newlines. */
    @Override
    public void run(byte[] input) {
        if (input.length < 1) return;
        String method = METHODS.get((input[0] & 0xff) % METHODS.size());
        String[] parts = new String(input, 1, input.length - 1, StandardCharsets.UTF_8).split("\n", 3);
        String path = "/api/v1/" + parts[0];
        Map<String, String> query = new HashMap<>();
        if (parts.length > 1) {
            for (String pair : parts[1].split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) query.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        byte[] body = parts.length > 2 ? parts[2].getBytes(StandardCharsets.UTF_8) : new byte[0];
        Map<String, String> headers = Map.of("authorization", "Bearer " + key, "content-type", "application/json");
        ApiResponse answer = router.dispatch(method, path, query, headers, body, "192.0.2.7");
        if (answer.status() >= 500) throw new AssertionError(method + " " + path + " answered " + answer.status() + ": " + answer.json());
    }
}
