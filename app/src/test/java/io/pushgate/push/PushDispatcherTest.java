package io.pushgate.push;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The dispatcher's promises, against a push service that answers from a script. */
public class PushDispatcherTest {
    @Rule public final TemporaryFolder tmp = new TemporaryFolder();

    private static final PushParams DEVICE = new PushParams("scripted", "token-1", "app", null);

    /** Answers each send with the next outcome of its script (the last one repeats) and records when. */
    private static final class ScriptedService implements PushService, PushProvider {
        final ConcurrentLinkedQueue<PushOutcome> script = new ConcurrentLinkedQueue<>();
        final List<Long> sentAt = java.util.Collections.synchronizedList(new ArrayList<>());
        PushOutcome last;

        ScriptedService(PushOutcome... outcomes) { script.addAll(List.of(outcomes)); }

        @Override public boolean serves(PushParams target) { return target.provider().equals("scripted"); }
        @Override public CompletableFuture<PushOutcome> send(PushNotification n) {
            sentAt.add(System.nanoTime());
            PushOutcome o = script.poll();
            if (o != null) last = o;
            return CompletableFuture.completedFuture(last);
        }
        @Override public void close() {}
        @Override public List<ConfigSection> sections() { return List.of(); }
        @Override public Set<String> providers(Config config) { return Set.of("scripted"); }
        @Override public PushService open(Config config, ExecutorService executor) { return this; }
    }

    private PushDispatcher dispatcher;

    private PushDispatcher open(ScriptedService service, String pushSection) {
        dispatcher = new PushDispatcher(Config.parse("[push]\n" + pushSection, List.of(PushSettings.SECTION)), List.of(service));
        return dispatcher;
    }

    @After
    public void close() {
        if (dispatcher != null) dispatcher.close();
    }

    private static PushNotification call(String callId, PushParams device, Duration ttl) {
        return new PushNotification(PushNotification.Kind.CALL, device, "sip:a@example.org", "sip:b@example.org", callId, ttl);
    }

    private static PushOutcome transientFailure(Duration retryAfter) {
        return PushOutcome.transientFailure("scripted", "HTTP 503", retryAfter);
    }

    @Test
    public void transientFailuresAreRetriedUntilAccepted() throws Exception {
        ScriptedService s = new ScriptedService(transientFailure(null), transientFailure(null), PushOutcome.accepted("scripted", "id"));
        PushOutcome o = open(s, "retry-base = 20\n").send(call("c1", DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        assertTrue(o.accepted());
        assertEquals(3, o.attempts());
        assertEquals(3, s.sentAt.size());
    }

    @Test
    public void retryAfterIsWaitedFor() throws Exception {
        ScriptedService s = new ScriptedService(transientFailure(Duration.ofSeconds(1)), PushOutcome.accepted("scripted", "id"));
        PushOutcome o = open(s, "retry-base = 10\n").send(call("c1", DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        assertTrue(o.accepted());
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(s.sentAt.get(1) - s.sentAt.get(0));
        assertTrue("the retry came " + waitedMs + " ms after a Retry-After of 1 s", waitedMs >= 1000);
    }

    @Test
    public void noRetryBeyondRetryMaxOrThePushsTimeToLive() throws Exception {
        ScriptedService tooLong = new ScriptedService(transientFailure(Duration.ofSeconds(120)));
        PushOutcome o = open(tooLong, "retry-max = 30\n").send(call("c1", DEVICE, Duration.ofMinutes(10))).get(5, TimeUnit.SECONDS);
        assertEquals(PushOutcome.Status.TRANSIENT, o.status());
        assertEquals(1, tooLong.sentAt.size());
        dispatcher.close();
        ScriptedService late = new ScriptedService(transientFailure(Duration.ofSeconds(2)));
        o = open(late, "").send(call("c2", DEVICE, Duration.ofSeconds(1))).get(5, TimeUnit.SECONDS);
        assertEquals("a retry after the call is over wakes nobody", 1, late.sentAt.size());
    }

    @Test
    public void attemptsAreBounded() throws Exception {
        ScriptedService s = new ScriptedService(transientFailure(null));
        PushOutcome o = open(s, "retry-base = 10\nattempts = 3\n").send(call("c1", DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        assertEquals(PushOutcome.Status.TRANSIENT, o.status());
        assertEquals(3, s.sentAt.size());
    }

    @Test
    public void refusalsAndDeadTokensAreNotRetried() throws Exception {
        ScriptedService s = new ScriptedService(PushOutcome.tokenGone("scripted", "Unregistered"));
        List<PushNotification> told = new ArrayList<>();
        open(s, "retry-base = 10\n").onTokenGone((n, o) -> told.add(n));
        PushOutcome o = dispatcher.send(call("c1", DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        assertTrue(o.tokenGone());
        assertEquals(1, s.sentAt.size());
        assertEquals("the listeners hear of the dead token once", 1, told.size());
        assertEquals("token-1", told.get(0).target().prid());
    }

    @Test
    public void oneCallPushPerCallAndDevice() throws Exception {
        ScriptedService s = new ScriptedService(PushOutcome.accepted("scripted", "id"));
        open(s, "");
        PushParams other = new PushParams("scripted", "token-2", "app", null);
        dispatcher.send(call("c1", DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        assertTrue(dispatcher.send(call("c1", DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS).accepted());
        dispatcher.send(call("c1", other, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        dispatcher.send(call("c2", DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        dispatcher.send(new PushNotification(PushNotification.Kind.MISSED_CALL, DEVICE, "a", "b", "c1", Duration.ofHours(1))).get(5, TimeUnit.SECONDS);
        assertEquals("c1 twice to token-1 went once; token-2, c2 and the missed-call alert went too", 4, s.sentAt.size());
    }

    @Test
    public void whatIsRememberedIsBoundedAndTheOldestGoFirst() throws Exception {
        ScriptedService s = new ScriptedService(PushOutcome.accepted("scripted", "id"));
        open(s, "remembered-max = 100\n");
        for (int i = 0; i < 150; i++) dispatcher.send(call("c" + i, DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        dispatcher.send(call("c149", DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        assertEquals("the newest is still remembered", 150, s.sentAt.size());
        dispatcher.send(call("c0", DEVICE, Duration.ofSeconds(30))).get(5, TimeUnit.SECONDS);
        assertEquals("the oldest was forgotten: pushed again", 151, s.sentAt.size());
    }

    /** A provider whose credential files change: each reopening makes a new service from the script. */
    private static final class ChangingProvider implements PushProvider {
        volatile String stamp = "v1";
        volatile boolean filesBroken;
        final List<ScriptedService> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override public List<ConfigSection> sections() { return List.of(); }
        @Override public void check(Config config) {
            if (filesBroken) throw new io.pushgate.config.ConfigException("push-scripted.dir", "broken file");
        }
        @Override public Set<String> providers(Config config) { return Set.of("scripted"); }
        @Override public String credentialsStamp(Config config) { return stamp; }
        @Override public PushService open(Config config, ExecutorService executor) {
            ScriptedService s = new ScriptedService(PushOutcome.accepted("scripted", "from-" + stamp));
            opened.add(s);
            return s;
        }
    }

    @Test
    public void changedCredentialsAreTakenWithoutARestartAndBrokenOnesAreNot() throws Exception {
        ChangingProvider p = new ChangingProvider();
        dispatcher = new PushDispatcher(Config.parse("[push]\n", List.of(PushSettings.SECTION)), List.of(p));
        assertEquals("from-v1", dispatcher.send(call("c1", DEVICE, Duration.ofSeconds(5))).get(5, TimeUnit.SECONDS).id());
        dispatcher.reopenChanged();
        assertEquals("nothing changed, nothing reopened", 1, p.opened.size());
        p.stamp = "v2";
        p.filesBroken = true;
        dispatcher.reopenChanged();
        assertEquals("files that fail the check are not taken", "from-v1",
                dispatcher.send(call("c2", DEVICE, Duration.ofSeconds(5))).get(5, TimeUnit.SECONDS).id());
        p.stamp = "v3";
        p.filesBroken = false;
        dispatcher.reopenChanged();
        assertEquals("from-v3", dispatcher.send(call("c3", DEVICE, Duration.ofSeconds(5))).get(5, TimeUnit.SECONDS).id());
    }

    @Test
    public void aRewrittenCredentialFileChangesTheStamp() throws Exception {
        java.nio.file.Path dir = tmp.newFolder().toPath();
        java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve("app.json"), "{}");
        String before = CredentialDirectory.stamp(dir);
        java.nio.file.Files.writeString(f, "{\"new\": true}");
        assertTrue(!before.equals(CredentialDirectory.stamp(dir)));
    }

    /** Refused credentials are one alarm per app, not one per push, and clear with the first push that gets through. */
    @Test
    public void refusedCredentialsRaiseOneAlarmThatClearsOnSuccess() throws Exception {
        ScriptedService s = new ScriptedService(PushOutcome.credentials("scripted", "ExpiredProviderToken"),
                PushOutcome.credentials("scripted", "ExpiredProviderToken"), PushOutcome.accepted("scripted", "id"));
        open(s, "");
        double before = PushDispatcher.CREDENTIALS_FAILING.labelValues("scripted").get();
        dispatcher.send(call("c1", DEVICE, Duration.ofSeconds(5))).get(5, TimeUnit.SECONDS);
        dispatcher.send(call("c2", DEVICE, Duration.ofSeconds(5))).get(5, TimeUnit.SECONDS);
        assertEquals("one alarm for the app", before + 1, PushDispatcher.CREDENTIALS_FAILING.labelValues("scripted").get(), 0);
        assertEquals("not retried", 2, s.sentAt.size());
        dispatcher.send(call("c3", DEVICE, Duration.ofSeconds(5))).get(5, TimeUnit.SECONDS);
        assertEquals(before, PushDispatcher.CREDENTIALS_FAILING.labelValues("scripted").get(), 0);
    }

    @Test
    public void aProviderWithoutServiceIsRefusedAtOnce() throws Exception {
        open(new ScriptedService(), "");
        PushOutcome o = dispatcher.send(call("c1", new PushParams("elsewhere", "t", "p", null), Duration.ofSeconds(5))).get(5, TimeUnit.SECONDS);
        assertEquals(PushOutcome.Status.REFUSED, o.status());
        assertTrue(dispatcher.supports("scripted"));
        assertTrue(!dispatcher.supports("elsewhere"));
    }
}
