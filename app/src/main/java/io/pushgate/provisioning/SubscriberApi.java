package io.pushgate.provisioning;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.pushgate.api.ApiRequest;
import io.pushgate.api.ApiResponse;
import io.pushgate.api.ApiRoute;
import io.pushgate.api.ApiScope;
import io.pushgate.pushserver.PushDevices;
import io.pushgate.registrar.BindingStore;
import io.pushgate.routing.Alias;
import io.pushgate.routing.AliasTable;
import io.pushgate.store.Database;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The subscriber routes of the management API (docs/provisioning.md): accounts, their aliases and
 * devices, and the links that get an account into a phone. Every write is one database
 * transaction; memory follows once it committed.
 */
public final class SubscriberApi {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String BASE = "/api/v1/subscribers";

    private final Database db;
    private final SubscriberDirectory subscribers;
    private final AliasTable aliases;
    private final BindingStore bindings;
    /** Null outside the registrar role (the gateway keeps no device list of its own). */
    private final PushDevices devices;
    private final DeviceList deviceList;
    private final ProvisioningLinks links;
    private final String domain;
    private final AccountRules rules;
    private final LongSupplier clock;

    public SubscriberApi(Database db, SubscriberDirectory subscribers, AliasTable aliases, BindingStore bindings, PushDevices devices,
                         ProvisioningLinks links, String domain, AccountRules rules, LongSupplier clock) {
        this.db = db;
        this.subscribers = subscribers;
        this.aliases = aliases;
        this.bindings = bindings;
        this.devices = devices;
        this.links = links;
        this.deviceList = new DeviceList(db, bindings, devices, clock);
        this.domain = domain;
        this.rules = rules;
        this.clock = clock;
    }

    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute("GET", BASE, ApiScope.READ, this::list),
                new ApiRoute("POST", BASE, ApiScope.PROVISION, this::create),
                new ApiRoute("GET", BASE + "/{user}", ApiScope.READ, this::read),
                new ApiRoute("PATCH", BASE + "/{user}", ApiScope.PROVISION, this::update),
                new ApiRoute("DELETE", BASE + "/{user}", ApiScope.ADMIN, this::delete),
                new ApiRoute("GET", BASE + "/{user}/aliases", ApiScope.READ, this::aliases),
                new ApiRoute("POST", BASE + "/{user}/aliases", ApiScope.PROVISION, this::addAlias),
                new ApiRoute("DELETE", BASE + "/{user}/aliases/{alias}", ApiScope.PROVISION, this::removeAlias),
                new ApiRoute("GET", BASE + "/{user}/devices", ApiScope.READ, this::devices),
                new ApiRoute("DELETE", BASE + "/{user}/devices/{device}", ApiScope.ADMIN, this::removeDevice),
                new ApiRoute("POST", BASE + "/{user}/launcher-link", ApiScope.PROVISION, this::launcherLink),
                new ApiRoute("POST", BASE + "/{user}/provisioning-link", ApiScope.PROVISION, this::provisioningLink));
    }

    private ApiResponse list(ApiRequest r) {
        int offset = r.intQuery("offset", 0, 0, Integer.MAX_VALUE);
        int limit = r.intQuery("limit", 100, 1, 1000);
        JsonArray items = new JsonArray();
        for (Subscriber s : subscribers.page(offset, limit)) items.add(json(s));
        JsonObject o = new JsonObject();
        o.add("items", items);
        o.addProperty("offset", offset);
        o.addProperty("limit", limit);
        o.addProperty("total", subscribers.count());
        return ApiResponse.ok(o);
    }

    private ApiResponse create(ApiRequest r) {
        String user = r.string("username");
        String password = r.string("password");
        String email = r.string("email");
        Map<String, String> problems = rules.problems(user, password, email, false);
        if (!problems.isEmpty()) throw new ApiResponse.Failure(422, "invalid request", problems);
        if (!subscribers.add(user, password, Boolean.TRUE.equals(r.bool("push")), email)) {
            throw ApiResponse.fail(409, "subscriber " + user + " exists already");
        }
        return ApiResponse.json(201, json(subscribers.find(user).orElseThrow()));
    }

    private ApiResponse read(ApiRequest r) {
        return ApiResponse.ok(json(subscriber(r)));
    }

    private ApiResponse update(ApiRequest r) {
        Subscriber s = subscriber(r);
        String password = r.string("password");
        Boolean push = r.bool("push");
        String email = r.string("email");
        String weak = password == null ? null : rules.weakPassword(password, s.username());
        if (weak != null) throw ApiResponse.invalid("password", weak);
        if (email != null && !email.isEmpty() && !AccountRules.validEmail(email)) throw ApiResponse.invalid("email", "not an e-mail address");
        if (password == null && push == null && email == null) throw ApiResponse.invalid("password", "give password, push or email");
        subscribers.update(s.username(), password, push, email);
        return ApiResponse.ok(json(subscribers.find(s.username()).orElseThrow()));
    }

    /** The account, its aliases, bindings and devices go in one transaction. */
    private ApiResponse delete(ApiRequest r) {
        String user = subscriber(r).username();
        String aor = aor(user);
        db.inTransaction(s -> {
            subscribers.deleteIn(s, user);
            aliases.deleteOfIn(s, user);
            bindings.deleteIn(s, aor, null);
            if (devices != null) devices.deleteIn(s, aor, null);
            return null;
        });
        subscribers.forget(user);
        aliases.forgetAll();
        bindings.forgetDeleted(aor, null);
        if (devices != null) devices.forgetDeleted(aor, null);
        return ApiResponse.noContent();
    }

    private ApiResponse aliases(ApiRequest r) {
        JsonArray a = new JsonArray();
        for (Alias alias : aliases.of(subscriber(r).username())) a.add(alias.name());
        JsonObject o = new JsonObject();
        o.add("aliases", a);
        return ApiResponse.ok(o);
    }

    private ApiResponse addAlias(ApiRequest r) {
        String user = subscriber(r).username();
        String name = r.string("name");
        if (!AccountRules.validName(name)) throw ApiResponse.invalid("name", AccountRules.NAME_RULE);
        if (subscribers.exists(name)) throw ApiResponse.fail(409, name + " is an account");
        if (aliases.find(name).filter(a -> !a.target().equals(user)).isPresent()) throw ApiResponse.fail(409, "alias " + name + " stands for another user");
        aliases.put(name, user);
        return aliases(r);
    }

    private ApiResponse removeAlias(ApiRequest r) {
        String user = subscriber(r).username();
        String name = r.param("alias");
        if (aliases.find(name).filter(a -> a.target().equals(user)).isEmpty()) throw ApiResponse.notFound("alias " + name);
        aliases.remove(name);
        return ApiResponse.noContent();
    }

    private ApiResponse devices(ApiRequest r) {
        JsonObject o = new JsonObject();
        o.add("devices", deviceList.of(aor(subscriber(r).username())));
        return ApiResponse.ok(o);
    }

    private ApiResponse removeDevice(ApiRequest r) {
        if (!deviceList.delete(aor(subscriber(r).username()), r.param("device"))) throw ApiResponse.notFound("device " + r.param("device"));
        return ApiResponse.noContent();
    }

    /**
     * The sip:carrier launcher link needs the clear password: the call gives the account's
     * password (checked), or asks for a new one, which is set and returned once.
     */
    private ApiResponse launcherLink(ApiRequest r) {
        String user = subscriber(r).username();
        String password = r.string("password");
        Boolean generate = r.bool("newPassword");
        JsonObject o = new JsonObject();
        if (Boolean.TRUE.equals(generate)) {
            password = newPassword();
            subscribers.update(user, password, null, null);
            o.addProperty("password", password);
        } else if (password == null) {
            throw ApiResponse.invalid("password", "give the account's password, or newPassword: true");
        } else if (!subscribers.checkPassword(user, password)) {
            throw ApiResponse.invalid("password", "is not this account's password");
        }
        LauncherLink link = links.launcherLink(user, password);
        o.addProperty("base64", link.base64());
        o.addProperty("escaped", link.escaped());
        o.addProperty("url", link.url());
        return ApiResponse.ok(o);
    }

    private ApiResponse provisioningLink(ApiRequest r) {
        String url = links.provisioningUrl(subscriber(r).username());
        JsonObject o = new JsonObject();
        o.addProperty("url", url);
        o.addProperty("qrPng", "data:image/png;base64," + Base64.getEncoder().encodeToString(QrCode.png(url, 320)));
        return ApiResponse.json(201, o);
    }

    private Subscriber subscriber(ApiRequest r) {
        return subscribers.find(r.param("user")).orElseThrow(() -> ApiResponse.notFound("subscriber " + r.param("user")));
    }

    private String aor(String user) {
        return "sip:" + user + "@" + domain;
    }

    private JsonObject json(Subscriber s) {
        JsonObject o = new JsonObject();
        o.addProperty("username", s.username());
        o.addProperty("aor", aor(s.username()));
        o.addProperty("passwordStorage", s.password() != null ? "plaintext" : "ha1");
        o.addProperty("push", s.pushMarked());
        if (s.email() != null) o.addProperty("email", s.email());
        o.addProperty("createdAt", s.createdAt());
        o.addProperty("registered", !bindings.current(aor(s.username())).isEmpty());
        return o;
    }

    /** Random, and long enough for the configured minimum. */
    private String newPassword() {
        byte[] b = new byte[Math.max(12, (rules.passwordMinLength() * 3 + 3) / 4)];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

}
