package io.pushgate.regevent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.auth.AuthSettings;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.registrar.BindingStore;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Who may watch a registration and on which terms (a subscription's NOTIFYs are InContainerRegEventTest's). */
public class RegEventServerTest {
    private Database db;
    private BindingStore bindings;
    private ScheduledExecutorService timers;
    private RegEventServer step;

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:regevent" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(BindingRecord.class, Subscriber.class));
        SubscriberDirectory subscribers = new SubscriberDirectory(db, "example.com", AuthSettings.PasswordStorage.HA1, System::currentTimeMillis);
        subscribers.add("alice", "a");
        bindings = new BindingStore(db, System::currentTimeMillis);
        timers = Executors.newSingleThreadScheduledExecutor();
        step = new RegEventServer(new RegEventSettings(true, 60, 3600, 600, 10), new LocalDomain(List.of("example.com")), subscribers,
                bindings, List.of("203.0.113.9"), timers, System::currentTimeMillis);
    }

    @After
    public void close() {
        timers.shutdownNow();
        bindings.close();
        db.close();
    }

    private static TestRequest subscribe(String user, String event, String extra) {
        return TestRequest.of("SUBSCRIBE sip:" + user + "@example.com SIP/2.0\nFrom: <sip:watcher@other.net>;tag=1\nTo: <sip:" + user
                + "@example.com>\nCall-ID: sub-" + System.nanoTime() + "\nCSeq: 1 SUBSCRIBE\nEvent: " + event + "\n" + extra);
    }

    @Test
    public void otherEventPackagesAndOtherRequestsPassOn() throws Exception {
        assertTrue(StepRun.of(subscribe("alice", "presence", ""), step).proceeded());
        assertTrue(StepRun.of(TestRequest.of("MESSAGE sip:alice@example.com SIP/2.0\nFrom: <sip:b@example.com>;tag=1\n"
                + "To: <sip:alice@example.com>\nCall-ID: m\nCSeq: 1 MESSAGE\n"), step).proceeded());
    }

    @Test
    public void onlyTheUserOrATrustedPeerMayWatch() throws Exception {
        assertEquals(403, StepRun.of(subscribe("alice", "reg", "Expires: 600\n"), step).status());
        StepRun asAlice = StepRun.of(subscribe("alice", "reg", "Expires: 10\n"), (ex, chain) -> {
            ex.authenticatedAs("alice");
            chain.proceed(ex);
        }, step);
        assertEquals("allowed, then refused for its interval", 423, asAlice.status());
        assertEquals("60", asAlice.response().getHeader("Min-Expires"));
    }

    @Test
    public void anUnknownUserIs404AndAnotherBodyFormat406() throws Exception {
        assertEquals(404, StepRun.of(subscribe("nobody", "reg", ""), step).status());
        StepRun xml = StepRun.of(subscribe("alice", "reg", "Accept: application/pidf+xml\n").from("203.0.113.9", 5060, "UDP"), step);
        assertEquals(406, xml.status());
        assertEquals(RegInfo.CONTENT_TYPE, xml.response().getHeader("Accept"));
    }

    @Test
    public void aSubscribeOutsideItsDialogsIsNotTaken() throws Exception {
        assertFalse(step.onSubsequent(subscribe("alice", "reg", "")));
    }
}
