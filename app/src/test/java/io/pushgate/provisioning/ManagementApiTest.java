package io.pushgate.provisioning;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pushgate.api.ApiKeys;
import io.pushgate.api.ApiResponse;
import io.pushgate.api.ApiRouter;
import io.pushgate.api.ApiScope;
import io.pushgate.auth.AuthSettings;
import io.pushgate.auth.FailureThrottle;
import io.pushgate.config.Config;
import io.pushgate.pushserver.PushDevice;
import io.pushgate.pushserver.PushDevices;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.routing.Alias;
import io.pushgate.routing.AliasTable;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The management API's decisions, through its router, on an in-memory database: keys, scopes, statuses, and what the store holds after. */
public class ManagementApiTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private Database db;
    private SubscriberDirectory subscribers;
    private BindingStore bindings;
    private AliasTable aliases;
    private ApiRouter router;
    private String admin;
    private String provision;
    private String read;

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:api" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(Subscriber.class, Alias.class, BindingRecord.class, PushDevice.class, io.pushgate.api.ApiKey.class, ProvisioningToken.class));
        subscribers = new SubscriberDirectory(db, "example.com", AuthSettings.PasswordStorage.HA1, now::get);
        bindings = new BindingStore(db, now::get);
        aliases = new AliasTable(db, now::get);
        ProvisioningSettings settings = ProvisioningSettings.from(Config.defaults(List.of(ProvisioningSettings.SECTION)));
        ProvisioningLinks links = new ProvisioningLinks(settings, "https://voip.example.com/pushgate", "example.com",
                "sip:voip.example.com;transport=tcp", subscribers, new ProvisioningTokens(db, now::get));
        ApiKeys keys = new ApiKeys(db, now::get);
        admin = keys.add("admin", ApiScope.ADMIN);
        provision = keys.add("crm", ApiScope.PROVISION);
        read = keys.add("monitor", ApiScope.READ);
        router = new ApiRouter(keys, new FailureThrottle(3, 60, 300, now::get))
                .add(new SubscriberApi(db, subscribers, aliases, bindings, new PushDevices(db, now::get), links, "example.com", new AccountRules(10), now::get).routes());
    }

    @After
    public void close() {
        bindings.close();
        db.close();
    }

    private ApiResponse call(String method, String path, String key, String json) {
        Map<String, String> headers = new HashMap<>();
        if (key != null) headers.put("authorization", "Bearer " + key);
        if (json != null) headers.put("content-type", "application/json");
        Map<String, String> query = new HashMap<>();
        int q = path.indexOf('?');
        if (q > 0) {
            for (String p : path.substring(q + 1).split("&")) query.put(p.split("=")[0], p.split("=")[1]);
            path = path.substring(0, q);
        }
        return router.dispatch(method, path, query, headers, json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8), "192.0.2.7");
    }

    private static JsonObject body(ApiResponse r) {
        return r.json().getAsJsonObject();
    }

    @Test
    public void anAccountIsCreatedReadChangedAndDeletedWithWhatGoesWithIt() {
        ApiResponse created = call("POST", "/api/v1/subscribers", provision, "{\"username\":\"alice\",\"password\":\"correct horse 42\"}");
        assertEquals(201, created.status());
        assertEquals("ha1", body(created).get("passwordStorage").getAsString());
        assertTrue("stored as HA1", subscribers.find("alice").orElseThrow().password() == null);
        assertTrue(subscribers.checkPassword("alice", "correct horse 42"));

        assertEquals(200, call("GET", "/api/v1/subscribers/alice", read, null).status());
        assertEquals(200, call("PATCH", "/api/v1/subscribers/alice", provision, "{\"password\":\"another one 99\",\"push\":true}").status());
        assertTrue(subscribers.checkPassword("alice", "another one 99"));
        assertTrue(subscribers.find("alice").orElseThrow().pushMarked());

        assertEquals(200, call("POST", "/api/v1/subscribers/alice/aliases", provision, "{\"name\":\"5551234\"}").status());
        bindings.update("sip:alice@example.com", List.of(new BindingRecord("b1", "sip:alice@example.com", "sip:alice@10.0.0.1", "", null, 0,
                1000, now.get() + 60_000, "c", 1, null, "udp:10.0.0.1:5060", null, null, now.get())), List.of(), false, 10);

        assertEquals("a read key deletes nothing", 403, call("DELETE", "/api/v1/subscribers/alice", read, null).status());
        assertEquals("nor does a provisioning key", 403, call("DELETE", "/api/v1/subscribers/alice", provision, null).status());
        assertEquals(204, call("DELETE", "/api/v1/subscribers/alice", admin, null).status());
        assertFalse(subscribers.exists("alice"));
        assertTrue("its alias went with it", aliases.find("5551234").isEmpty());
        assertTrue("and its binding", bindings.current("sip:alice@example.com").isEmpty());
        assertEquals(0L, (long) db.inTransaction(s -> s.createSelectionQuery("select count(*) from BindingRecord", Long.class).getSingleResult()));
        assertEquals(404, call("GET", "/api/v1/subscribers/alice", read, null).status());
    }

    @Test
    public void listsComeInPages() {
        for (String u : List.of("a1", "a2", "a3")) subscribers.add(u, "pw-" + u + "-long-enough");
        JsonObject page = body(call("GET", "/api/v1/subscribers?offset=1&limit=1", read, null));
        assertEquals(3, page.get("total").getAsInt());
        assertEquals("a2", page.getAsJsonArray("items").get(0).getAsJsonObject().get("username").getAsString());
        assertEquals(422, call("GET", "/api/v1/subscribers?limit=5000", read, null).status());
    }

    @Test
    public void keysAndScopesAreChecked() {
        ApiResponse none = call("GET", "/api/v1/subscribers", null, null);
        assertEquals(401, none.status());
        assertEquals("Bearer realm=\"pushgate\"", none.headers().get("WWW-Authenticate"));
        assertEquals(401, call("GET", "/api/v1/subscribers", "pgk_not-a-key", null).status());
        assertEquals(403, call("POST", "/api/v1/subscribers", read, "{\"username\":\"x\",\"password\":\"long enough 1\"}").status());
        // three failures in a row from one source lock it out, whatever key it brings then
        for (int i = 0; i < 3; i++) assertEquals(401, call("GET", "/api/v1/subscribers", "pgk_wrong" + i, null).status());
        ApiResponse locked = call("GET", "/api/v1/subscribers", admin, null);
        assertEquals(429, locked.status());
        assertEquals("300", locked.headers().get("Retry-After"));
    }

    @Test
    public void aRevokedKeyIsRefused() {
        ApiKeys keys = new ApiKeys(db, now::get);
        String k = keys.add("temp", ApiScope.READ);
        assertEquals(200, call("GET", "/api/v1/subscribers", k, null).status());
        assertTrue(keys.revoke("temp"));
        assertEquals(401, call("GET", "/api/v1/subscribers", k, null).status());
    }

    @Test
    public void badBodiesGetTheirOwnStatusesAndChangeNothing() {
        ApiResponse notJsonType = router.dispatch("POST", "/api/v1/subscribers", Map.of(), Map.of("authorization", "Bearer " + provision,
                "content-type", "text/plain"), "username=x".getBytes(StandardCharsets.UTF_8), "192.0.2.7");
        assertEquals(415, notJsonType.status());
        assertEquals(400, call("POST", "/api/v1/subscribers", provision, "{not json").status());
        ApiResponse invalid = call("POST", "/api/v1/subscribers", provision, "{\"username\":\"bad name\",\"password\":\"short\"}");
        assertEquals(422, invalid.status());
        JsonObject fields = body(invalid).getAsJsonObject("fields");
        assertTrue(fields.has("username") && fields.has("password"));
        assertEquals(0, subscribers.count());
        subscribers.add("bob", "bobs password 1");
        assertEquals(409, call("POST", "/api/v1/subscribers", provision, "{\"username\":\"bob\",\"password\":\"another password\"}").status());
        assertEquals(404, call("GET", "/api/v1/nothing", read, null).status());
        ApiResponse wrongMethod = call("PUT", "/api/v1/subscribers", admin, "{}");
        assertEquals(405, wrongMethod.status());
        assertTrue(wrongMethod.headers().get("Allow").contains("POST"));
    }

    @Test
    public void devicesShowTheirProviderButNeverTheirToken() {
        subscribers.add("carol", "carols password");
        bindings.update("sip:carol@example.com", List.of(new BindingRecord("d1", "sip:carol@example.com",
                "sip:carol@10.0.0.2;pn-provider=fcm;pn-prid=SECRET-TOKEN;pn-param=proj", "", null, 0, 1000, now.get() + 60_000, "c", 1, null,
                "tcp:10.0.0.2:5060", null, "phone", now.get())), List.of(), false, 10);
        ApiResponse r = call("GET", "/api/v1/subscribers/carol/devices", read, null);
        assertEquals(200, r.status());
        JsonObject d = body(r).getAsJsonArray("devices").get(0).getAsJsonObject();
        assertEquals("fcm", d.get("pushProvider").getAsString());
        assertFalse(r.json().toString().contains("SECRET-TOKEN"));
        assertEquals(204, call("DELETE", "/api/v1/subscribers/carol/devices/d1", admin, null).status());
        assertTrue(bindings.current("sip:carol@example.com").isEmpty());
        assertEquals(404, call("DELETE", "/api/v1/subscribers/carol/devices/d1", admin, null).status());
    }

    @Test
    public void theLauncherLinkNeedsTheRightPasswordOrSetsANewOne() {
        subscribers.add("dave", "daves password");
        assertEquals(422, call("POST", "/api/v1/subscribers/dave/launcher-link", provision, "{\"password\":\"wrong\"}").status());
        JsonObject link = body(call("POST", "/api/v1/subscribers/dave/launcher-link", provision, "{\"password\":\"daves password\"}"));
        assertTrue(link.get("url").getAsString().startsWith("https://voip.example.com/pushgate/sipphone?c="));
        assertNull("the password given is not echoed", link.get("password"));
        JsonObject fresh = body(call("POST", "/api/v1/subscribers/dave/launcher-link", provision, "{\"newPassword\":true}"));
        assertTrue(subscribers.checkPassword("dave", fresh.get("password").getAsString()));
    }

    @Test
    public void aProvisioningLinkWorksOnceAndCarriesTheHa1NotThePassword() {
        subscribers.add("erin", "erins password");
        JsonObject link = body(call("POST", "/api/v1/subscribers/erin/provisioning-link", provision, null));
        String url = link.get("url").getAsString();
        assertTrue(link.get("qrPng").getAsString().startsWith("data:image/png;base64,"));
        String token = url.substring(url.lastIndexOf('/') + 1);
        ProvisioningLinks links = new ProvisioningLinks(ProvisioningSettings.from(Config.defaults(List.of(ProvisioningSettings.SECTION))),
                "https://voip.example.com/pushgate", "example.com", "sip:voip.example.com;transport=tcp", subscribers, new ProvisioningTokens(db, now::get));
        String xml = links.linphoneConfig(token).orElseThrow();
        assertTrue(xml, xml.contains("<entry name=\"ha1\">" + subscribers.find("erin").orElseThrow().ha1Md5() + "</entry>"));
        assertTrue(xml.contains("&lt;sip:voip.example.com;transport=tcp&gt;"));
        assertFalse(xml.contains("erins password"));
        assertTrue("used once", links.linphoneConfig(token).isEmpty());
        String other = body(call("POST", "/api/v1/subscribers/erin/provisioning-link", provision, null)).get("url").getAsString();
        now.addAndGet(16 * 60_000L);
        assertTrue("expired after the link lifetime", links.linphoneConfig(other.substring(other.lastIndexOf('/') + 1)).isEmpty());
        JsonParser.parseString(link.toString());
    }
}
