package io.pushgate.routing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.pushgate.auth.AuthSettings;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import io.pushgate.testing.SipText;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The registrar role's routing steps, each alone: relay guard, event package gate, aliases, location, relay. */
public class RoutingStepsTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LocalDomain domain = new LocalDomain(List.of("example.com"));
    private final ProxyForwarder forwarder = new ProxyForwarder(new RouterSettings(true, 30, 5000));
    private Database db;
    private SubscriberDirectory subscribers;
    private BindingStore bindings;

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:routing" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(Subscriber.class, Alias.class, BindingRecord.class));
        subscribers = new SubscriberDirectory(db, "example.com", AuthSettings.PasswordStorage.HA1, now::get);
        subscribers.add("alice", "a");
        subscribers.add("bob", "b");
        bindings = new BindingStore(db, now::get);
    }

    @After
    public void close() {
        bindings.close();
        db.close();
    }

    private static TestRequest request(String method, String ruri, String from) {
        return TestRequest.of(method + " " + ruri + " SIP/2.0\nFrom: <" + from + ">;tag=1\nTo: <" + ruri + ">\nCall-ID: r-" + System.nanoTime()
                + "\nCSeq: 1 " + method + "\n");
    }

    private void bind(String user, String contact, int qMilli, String path) {
        String aor = domain.aor(user);
        bindings.update(aor, List.of(new BindingRecord(contact + qMilli, aor, contact, "", null, 0, qMilli, now.get() + 60_000, "c", 1,
                path, "udp:10.0.0.1:5060", null, null, now.get())), List.of(), false, 10);
    }

    @Test
    public void theRelayGuardRefusesOutsidersRelayingOrSteeringButNotLocalsOrTrustedPeers() throws Exception {
        RelayGuard guard = new RelayGuard(domain, List.of("203.0.113.9"));
        assertEquals(403, StepRun.of(request("INVITE", "sip:x@other.net", "sip:y@elsewhere.org"), guard).status());
        assertEquals("Relaying Denied", StepRun.of(request("INVITE", "sip:x@other.net", "sip:y@elsewhere.org"), guard).response().getReasonPhrase());
        assertTrue("to a local user", StepRun.of(request("INVITE", "sip:alice@example.com", "sip:y@elsewhere.org"), guard).proceeded());
        assertTrue("from a local user", StepRun.of(request("INVITE", "sip:x@other.net", "sip:alice@example.com"), guard).proceeded());
        assertTrue("a trusted peer", StepRun.of(request("INVITE", "sip:x@other.net", "sip:y@elsewhere.org").from("203.0.113.9", 5060, "UDP"), guard).proceeded());
        TestRequest preloaded = request("INVITE", "sip:alice@example.com", "sip:y@elsewhere.org");
        preloaded.addHeader("Route", "<sip:victim.example.net;lr>");
        assertEquals("Preloaded Route Denied", StepRun.of(preloaded, guard).response().getReasonPhrase());
    }

    @Test
    public void otherEventPackagesAndPublishGet489() throws Exception {
        EventPackageGate gate = new EventPackageGate(domain, true);
        StepRun presence = StepRun.of(request("SUBSCRIBE", "sip:alice@example.com", "sip:bob@example.com"), gate);
        assertEquals(489, presence.status());
        assertEquals("reg", presence.response().getHeader("Allow-Events"));
        assertEquals(489, StepRun.of(request("PUBLISH", "sip:alice@example.com", "sip:bob@example.com"), gate).status());
        assertTrue(StepRun.of(request("SUBSCRIBE", "sip:x@other.net", "sip:bob@example.com"), gate).proceeded());
        assertNull(StepRun.of(request("SUBSCRIBE", "sip:alice@example.com", "sip:bob@example.com"), new EventPackageGate(domain, false))
                .response().getHeader("Allow-Events"));
    }

    @Test
    public void anAliasIsRewrittenToItsLocalOrForeignTarget() throws Exception {
        AliasTable aliases = new AliasTable(db, now::get);
        aliases.put("5551234", "alice");
        aliases.put("support", "sip:desk@helpdesk.example.net");
        AliasResolver resolver = new AliasResolver(domain, subscribers, aliases, SipText.factory());
        StepRun local = StepRun.of(request("INVITE", "sip:5551234@example.com", "sip:bob@example.com"), resolver);
        assertTrue(local.proceeded());
        assertEquals("sip:alice@example.com", local.request.getRequestURI().toString());
        StepRun foreign = StepRun.of(request("INVITE", "sip:support@example.com", "sip:bob@example.com"), resolver);
        assertEquals("sip:desk@helpdesk.example.net", foreign.request.getRequestURI().toString());
        StepRun user = StepRun.of(request("INVITE", "sip:bob@example.com", "sip:alice@example.com"), resolver);
        assertEquals("a subscriber is never an alias", "sip:bob@example.com", user.request.getRequestURI().toString());
    }

    @Test
    public void aLocalUserIsForkedToEveryBindingHighestQFirstAlongItsPath() throws Exception {
        LocationRouter router = new LocationRouter(domain, subscribers, bindings, new BindingTarget(SipText.factory(), forwarder));
        bind("alice", "sip:alice@10.0.0.1:5060", 500, null);
        bind("alice", "sip:alice@10.0.0.2:5060", 1000, "<sip:edge.example.com;lr>");
        StepRun r = StepRun.of(request("INVITE", "sip:alice@example.com", "sip:bob@example.com"), router);
        assertFalse(r.proceeded());
        assertTrue(r.exchange.isProxied());
        // without a Path, over the transport it registered with
        assertEquals(List.of("sip:alice@10.0.0.2:5060", "sip:alice@10.0.0.1:5060;transport=udp"), r.proxy().targets());
        assertEquals(List.of("<sip:edge.example.com;lr>"), r.proxy().branches().get(0).routes());
        assertEquals(Boolean.TRUE, r.proxy().setting("RecordRoute"));
        assertEquals(Boolean.TRUE, r.proxy().setting("Parallel"));
    }

    @Test
    public void aKnownUserWithoutBindingsIs480AnUnknownOne404AndForeignGoesOn() throws Exception {
        LocationRouter router = new LocationRouter(domain, subscribers, bindings, new BindingTarget(SipText.factory(), forwarder));
        assertEquals(480, StepRun.of(request("INVITE", "sip:bob@example.com", "sip:alice@example.com"), router).status());
        assertEquals(404, StepRun.of(request("INVITE", "sip:nobody@example.com", "sip:alice@example.com"), router).status());
        assertTrue(StepRun.of(request("INVITE", "sip:x@other.net", "sip:alice@example.com"), router).proceeded());
    }

    @Test
    public void aBindingBehindNatIsReachedAtItsObservedAddressOverItsTransport() throws Exception {
        String aor = domain.aor("alice");
        bindings.update(aor, List.of(new BindingRecord("n", aor, "sip:alice@10.0.0.1:5060", "", null, 0, 1000, now.get() + 60_000, "c", 1,
                null, "tcp:198.51.100.7:40000", "198.51.100.7:40000", null, now.get())), List.of(), false, 10);
        LocationRouter router = new LocationRouter(domain, subscribers, bindings, new BindingTarget(SipText.factory(), forwarder));
        StepRun r = StepRun.of(request("INVITE", "sip:alice@example.com", "sip:bob@example.com"), router);
        assertEquals(List.of("sip:alice@198.51.100.7:40000;transport=tcp"), r.proxy().targets());
    }

    @Test
    public void whatIsLeftIsRelayedToItsRequestUriWithoutRecordRouteForMessages() throws Exception {
        StepRun r = StepRun.of(request("MESSAGE", "sip:x@other.net", "sip:alice@example.com"), new ForeignRelay(forwarder));
        assertEquals(List.of("sip:x@other.net"), r.proxy().targets());
        assertEquals(Boolean.FALSE, r.proxy().setting("RecordRoute"));
    }
}
