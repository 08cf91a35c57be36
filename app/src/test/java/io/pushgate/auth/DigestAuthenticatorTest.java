package io.pushgate.auth;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The digest step's decisions; responses are computed here by hand (RFC 2617), not by the code under test. */
public class DigestAuthenticatorTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private Database db;
    private SubscriberDirectory subscribers;
    private AuthSettings settings;
    private DigestAuthenticator step;

    @Before
    public void open() {
        db = new Database(new DatabaseSettings("jdbc:h2:mem:digest" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(Subscriber.class));
        subscribers = new SubscriberDirectory(db, "example.com", AuthSettings.PasswordStorage.HA1, now::get);
        subscribers.add("alice", "secret");
        settings = new AuthSettings(true, "example.com", List.of(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256),
                List.of(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256), 300, 1000, AuthSettings.PasswordStorage.HA1, 3, 60, 300,
                List.of("203.0.113.9"));
        step = new DigestAuthenticator(settings, new LocalDomain(List.of("example.com")), subscribers,
                new NonceIssuer(300, 1000, now::get), new FailureThrottle(3, 60, 300, now::get));
    }

    @After
    public void close() {
        db.close();
    }

    private static final String REGISTER = """
            REGISTER sip:example.com SIP/2.0
            From: <sip:alice@example.com>;tag=1
            To: <sip:alice@example.com>
            Call-ID: auth-1
            CSeq: %d REGISTER
            Contact: <sip:alice@10.0.0.1>
            """;

    private StepRun register(int cseq, String authorization) throws Exception {
        return StepRun.of(TestRequest.of(REGISTER.formatted(cseq) + (authorization == null ? "" : "Authorization: " + authorization + "\n")), step);
    }

    private static String nonceOf(StepRun r, String header) {
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(r.response().getHeader(header));
        assertTrue(m.find());
        return m.group(1);
    }

    private static String hex(String algorithm, String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** RFC 2617 / RFC 7616 qop=auth credentials for alice. */
    private static String credentials(String algorithm, String nonce, String nc, String password, String method, String uri) throws Exception {
        String javaAlg = algorithm.equals("MD5") ? "MD5" : "SHA-256";
        String ha1 = hex(javaAlg, "alice:example.com:" + password);
        String ha2 = hex(javaAlg, method + ":" + uri);
        String response = hex(javaAlg, ha1 + ":" + nonce + ":" + nc + ":c0ffee:auth:" + ha2);
        return "Digest username=\"alice\", realm=\"example.com\", nonce=\"" + nonce + "\", uri=\"" + uri + "\", response=\"" + response
                + "\", algorithm=" + algorithm + ", qop=auth, nc=" + nc + ", cnonce=\"c0ffee\"";
    }

    @Test
    public void aRegisterWithoutCredentialsIsChallengedOncePerAlgorithm() throws Exception {
        StepRun r = register(1, null);
        assertEquals(401, r.status());
        List<String> challenges = r.response().headers("WWW-Authenticate");
        assertEquals(2, challenges.size());
        assertTrue(challenges.get(0), challenges.get(0).contains("algorithm=MD5") && challenges.get(0).contains("qop=\"auth\""));
        assertTrue(challenges.get(1), challenges.get(1).contains("algorithm=SHA-256"));
        assertFalse(r.proceeded());
    }

    @Test
    public void theRightAnswerPassesOnAsTheUserWithOurCredentialsRemoved() throws Exception {
        for (String alg : List.of("MD5", "SHA-256")) {
            String nonce = nonceOf(register(1, null), "WWW-Authenticate");
            StepRun ok = register(2, credentials(alg, nonce, "00000001", "secret", "REGISTER", "sip:example.com"));
            assertTrue(alg, ok.proceeded());
            assertEquals("alice", ok.exchange.authenticatedUser());
            assertNull("credentials for our realm never leave", ok.request.getHeader("Authorization"));
        }
    }

    @Test
    public void aWrongPasswordIsChallengedAgainAndRepeatedFailuresLockTheSourceOut() throws Exception {
        double wrong = DigestAuthenticator.FAILURES.labelValues("wrong_password").get();
        double lockedOut = DigestAuthenticator.FAILURES.labelValues("locked_out").get();
        double lockouts = DigestAuthenticator.LOCKOUTS.get();
        for (int i = 0; i < 3; i++) {
            String nonce = nonceOf(register(1, null), "WWW-Authenticate");
            assertEquals(401, register(2, credentials("MD5", nonce, "00000001", "wrong", "REGISTER", "sip:example.com")).status());
        }
        StepRun locked = register(3, null);
        assertEquals(403, locked.status());
        assertEquals("300", locked.response().getHeader("Retry-After"));
        // the metrics say the same
        assertEquals(3, DigestAuthenticator.FAILURES.labelValues("wrong_password").get() - wrong, 0);
        assertEquals(1, DigestAuthenticator.FAILURES.labelValues("locked_out").get() - lockedOut, 0);
        assertEquals(1, DigestAuthenticator.LOCKOUTS.get() - lockouts, 0);
    }

    @Test
    public void credentialsMadeForAnotherUriAreRefusedEvenWithTheRightPassword() throws Exception {
        String nonce = nonceOf(register(1, null), "WWW-Authenticate");
        StepRun r = register(2, credentials("MD5", nonce, "00000001", "secret", "REGISTER", "sip:other.example.net"));
        assertEquals(400, r.status());
        assertFalse(r.proceeded());
        assertEquals("another user at the same server", 400,
                register(3, credentials("MD5", nonce, "00000002", "secret", "REGISTER", "sip:bob@example.com")).status());
        assertTrue("parameters aside, the same URI passes",
                register(4, credentials("MD5", nonce, "00000003", "secret", "REGISTER", "sip:example.com;transport=tcp")).proceeded());
    }

    @Test
    public void aLockOutHoldsForTheAccountFromThatSourceNotForOthersThere() throws Exception {
        for (int i = 0; i < 3; i++) {
            String nonce = nonceOf(register(1, null), "WWW-Authenticate");
            register(2, credentials("MD5", nonce, "00000001", "wrong", "REGISTER", "sip:example.com"));
        }
        assertEquals(403, register(3, null).status());
        StepRun bob = StepRun.of(TestRequest.of(REGISTER.formatted(4).replace("alice", "bob")), step);
        assertEquals("another account from the same address is still challenged", 401, bob.status());
        StepRun elsewhere = StepRun.of(TestRequest.of(REGISTER.formatted(5)).from("192.0.2.77", 5060, "UDP"), step);
        assertEquals("the same account from another address is still challenged", 401, elsewhere.status());
    }

    @Test
    public void aTrustedPeerIsTrustedForItsRequestsButNotToRegisterAUser() throws Exception {
        StepRun register = StepRun.of(TestRequest.of(REGISTER.formatted(1)).from("203.0.113.9", 5060, "UDP"), step);
        assertEquals(401, register.status());
        StepRun message = StepRun.of(TestRequest.of("MESSAGE sip:bob@example.com SIP/2.0\nFrom: <sip:alice@example.com>;tag=1\n"
                + "To: <sip:bob@example.com>\nCall-ID: trusted\nCSeq: 1 MESSAGE\n").from("203.0.113.9", 5060, "UDP"), step);
        assertTrue(message.proceeded());
    }

    @Test
    public void aFullReplayTableChallengesAgainAndSaysSo() throws Exception {
        // room for one nonce in each of the table's 64 segments: some fresh nonce soon finds its segment full
        step = new DigestAuthenticator(settings, new LocalDomain(List.of("example.com")), subscribers,
                new NonceIssuer(300, 1, now::get), new FailureThrottle(1000, 60, 300, now::get));
        double full = DigestAuthenticator.FAILURES.labelValues("nonce_table_full").get();
        double replayed = DigestAuthenticator.FAILURES.labelValues("replayed_nonce").get();
        String counted = null;
        StepRun refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            String nonce = nonceOf(register(2 * i + 1, null), "WWW-Authenticate");
            StepRun r = register(2 * i + 2, credentials("MD5", nonce, "00000001", "secret", "REGISTER", "sip:example.com"));
            if (r.proceeded()) counted = nonce;
            else refused = r;
        }
        assertTrue("a nonce was counted before the table filled", counted != null);
        assertTrue("the table filled", refused != null);
        assertEquals(401, refused.status());
        assertTrue(refused.response().getHeader("WWW-Authenticate").contains("stale=true"));
        assertEquals(1, DigestAuthenticator.FAILURES.labelValues("nonce_table_full").get() - full, 0);
        assertEquals("not counted as a replay", 0, DigestAuthenticator.FAILURES.labelValues("replayed_nonce").get() - replayed, 0);
        assertTrue("a nonce already in the table keeps counting",
                register(1000, credentials("MD5", counted, "00000002", "secret", "REGISTER", "sip:example.com")).proceeded());
    }

    @Test
    public void anExpiredNonceIsStaleAndAReplayedCountIsRefused() throws Exception {
        String nonce = nonceOf(register(1, null), "WWW-Authenticate");
        assertTrue(register(2, credentials("MD5", nonce, "00000001", "secret", "REGISTER", "sip:example.com")).proceeded());
        StepRun replay = register(3, credentials("MD5", nonce, "00000001", "secret", "REGISTER", "sip:example.com"));
        assertEquals(401, replay.status());
        assertTrue(replay.response().getHeader("WWW-Authenticate").contains("stale=true"));
        assertTrue("a higher count is fine", register(4, credentials("MD5", nonce, "00000002", "secret", "REGISTER", "sip:example.com")).proceeded());

        now.addAndGet(301_000);
        StepRun stale = register(5, credentials("MD5", nonce, "00000003", "secret", "REGISTER", "sip:example.com"));
        assertEquals(401, stale.status());
        assertTrue(stale.response().getHeader("WWW-Authenticate").contains("stale=true"));
    }

    @Test
    public void otherRequestsFromLocalUsersGet407AndTrustedPeersAndForeignCallersPassUnchallenged() throws Exception {
        String invite = """
                INVITE sip:bob@example.com SIP/2.0
                From: <sip:%s>;tag=1
                To: <sip:bob@example.com>
                Call-ID: inv
                CSeq: 1 INVITE
                """;
        StepRun local = StepRun.of(TestRequest.of(invite.formatted("alice@example.com")), step);
        assertEquals(407, local.status());
        assertTrue(local.response().getHeader("Proxy-Authenticate").startsWith("Digest realm=\"example.com\""));
        assertTrue(StepRun.of(TestRequest.of(invite.formatted("carol@other.net")), step).proceeded());
        assertTrue(StepRun.of(TestRequest.of(invite.formatted("alice@example.com")).from("203.0.113.9", 5060, "UDP"), step).proceeded());
    }

    @Test
    public void malformedCredentialsAre400() throws Exception {
        assertEquals(400, register(1, "Digest username=\"alice\", realm=\"example.com\", nonce=\"x\"").status());
    }
}
