package io.pushgate.fuzz;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import io.pushgate.auth.AuthSettings;
import io.pushgate.auth.DigestAuthenticator;
import io.pushgate.auth.FailureThrottle;
import io.pushgate.auth.IdentityCheck;
import io.pushgate.auth.NonceIssuer;
import io.pushgate.config.Config;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.registrar.Registrar;
import io.pushgate.registrar.RegistrarSettings;
import io.pushgate.routing.EventPackageGate;
import io.pushgate.routing.RelayGuard;
import io.pushgate.routing.RequestSanity;
import io.pushgate.runtime.EarlyRefusals;
import io.pushgate.runtime.StrictMessageParser;
import io.pushgate.server.Modules;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.text.ParseException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bytes as they arrive on a SIP port: parsed by the stack's parser as the server runs it, refused
 * where the stack's valves refuse, then through the registrar role's checks, authentication and
 * registrar. Each input goes through two pipelines: the real one, where no input may leave a
 * binding behind (no credentials can be guessed), and one where the request counts as
 * authenticated as its own user, so that the registrar's reading of Contacts, expiries and push
 * parameters is reached too.
 */
public final class SipMessageTarget implements FuzzTarget {
    private static SipMessageTarget instance;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final BindingStore guardedStore;
    private final BindingStore openStore;
    private final RequestStep[] guarded;
    private final RequestStep[] authenticated;

    static synchronized SipMessageTarget instance() {
        if (instance == null) instance = new SipMessageTarget();
        return instance;
    }

    /** Jazzer calls this once before the first input, outside the per-input timeout: the database is set up here. */
    public static void fuzzerInitialize() {
        instance();
    }

    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        instance().run(data);
    }

    private SipMessageTarget() {
        Config config = Config.parse("[domain]\nnames = example.com\n", Modules.sections());
        LocalDomain domain = LocalDomain.from(config);
        AuthSettings auth = AuthSettings.from(config, domain.canonical());
        Accounts real = Accounts.open(now::get);
        this.guardedStore = real.bindings();
        this.guarded = new RequestStep[] {new RequestSanity(domain),
                new DigestAuthenticator(auth, domain, real.subscribers(),
                        new NonceIssuer(auth.nonceLifetimeSeconds(), auth.nonceCacheSize(), now::get),
                        new FailureThrottle(auth.maxFailures(), auth.failureWindowSeconds(), auth.lockoutSeconds(), now::get)),
                new IdentityCheck(domain),
                new Registrar(RegistrarSettings.from(config), domain, real.subscribers(), real.bindings(), now::get),
                new RelayGuard(domain, auth.trustedPeers()),
                new EventPackageGate(domain, false)};
        Accounts open = Accounts.open(now::get);
        this.openStore = open.bindings();
        RequestStep asItsOwnUser = (ex, chain) -> {
            String user = domain.localUser("REGISTER".equals(ex.method()) ? ex.request().getTo().getURI() : ex.request().getFrom().getURI());
            if (user != null) ex.authenticatedAs(user);
            chain.proceed(ex);
        };
        this.authenticated = new RequestStep[] {new RequestSanity(domain), asItsOwnUser, new IdentityCheck(domain),
                new Registrar(RegistrarSettings.from(config), domain, open.subscribers(), open.bindings(), now::get)};
    }

    /** Bindings stored by the pipeline where requests count as authenticated: proof that inputs reach the registrar. */
    int bindingsStoredAsAuthenticated() {
        return openStore.bindingCount();
    }

    /** Two accounts and their bindings, in an in-memory database of their own. */
    private record Accounts(BindingStore bindings, SubscriberDirectory subscribers) {
        static Accounts open(LongSupplier clock) {
            Database db = new Database(new DatabaseSettings("jdbc:h2:mem:fuzz" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                    List.of(BindingRecord.class, Subscriber.class));
            SubscriberDirectory subscribers = new SubscriberDirectory(db, "example.com", AuthSettings.PasswordStorage.HA1, clock);
            subscribers.add("alice", "a long secret 1");
            subscribers.add("bob", "a long secret 2");
            return new Accounts(new BindingStore(db, clock), subscribers);
        }
    }

    /** Every input goes through both pipelines. */
    @Override
    public void run(byte[] input) throws Exception {
        SIPRequest request = parsedAsTheStackDoes(input);
        if (request == null) return;
        now.addAndGet(1000);
        check(StepRun.of(TestRequest.of(request), guarded));
        if (guardedStore.bindingCount() > 0) {
            throw new AssertionError("a binding was stored without credentials: " + new String(input, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        check(StepRun.of(TestRequest.of(parsedAsTheStackDoes(input)), authenticated));
    }

    /** The request an application would be handed, or null where the stack or its valves refuse the bytes first. */
    private static SIPRequest parsedAsTheStackDoes(byte[] input) {
        try {
            SIPMessage message = new StrictMessageParser().parseSIPMessage(input, true, false, null);
            if (!(message instanceof SIPRequest request)) return null;
            // a missing From, To, Call-ID, CSeq or Via: the stack drops the message or answers 400 itself
            request.checkHeaders();
            return EarlyRefusals.refusal(request) == null ? request : null;
        } catch (ParseException e) {
            return null;
        }
    }

    private static void check(StepRun run) {
        int status = run.status();
        if (status != 0 && (status < 100 || status > 699)) throw new AssertionError("answered " + status);
    }
}
