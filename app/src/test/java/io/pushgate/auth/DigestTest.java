package io.pushgate.auth;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class DigestTest {

    @Test
    public void rfc2617ExampleResponseIsReproduced() {
        // RFC 2617 section 3.5 (HTTP example; the computation is the same for SIP)
        DigestCredentials c = DigestCredentials.parse("Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, nc=00000001, "
                + "cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
        String ha1 = DigestAlgorithm.MD5.ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
        assertEquals(c.response(), c.expectedResponse(DigestAlgorithm.MD5, ha1, "GET"));
    }

    @Test
    public void rfc7616Sha256ExampleResponseIsReproduced() {
        // RFC 7616 section 3.9.1, SHA-256
        DigestCredentials c = DigestCredentials.parse("Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
                + "uri=\"/dir/index.html\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                + "nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
                + "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"");
        String ha1 = DigestAlgorithm.SHA_256.ha1("Mufasa", "http-auth@example.org", "Circle of Life");
        assertEquals(c.response(), c.expectedResponse(DigestAlgorithm.fromToken(c.algorithm()), ha1, "GET"));
    }

    @Test
    public void malformedHeadersAreRejected() {
        assertNull(DigestCredentials.parse("Basic dXNlcjpwYXNz"));
        assertNull(DigestCredentials.parse("Digest username=\"unterminated"));
        assertNull(DigestCredentials.parse("Digest =x"));
        assertFalse(DigestCredentials.parse("Digest username=\"a\", realm=\"r\"").complete());
        assertNull(DigestAlgorithm.fromToken("MD4"));
    }

    @Test
    public void noncesExpireAndCountsCannotBeReplayed() {
        AtomicLong now = new AtomicLong(1_000_000);
        NonceIssuer issuer = new NonceIssuer(300, 1000, now::get);
        String nonce = issuer.issue();
        assertEquals(NonceIssuer.Verdict.VALID, issuer.verify(nonce));
        assertEquals(NonceCounts.Use.COUNTED, issuer.acceptCount(nonce, 1));
        assertEquals("same nc again is a replay", NonceCounts.Use.REPLAYED, issuer.acceptCount(nonce, 1));
        assertEquals(NonceCounts.Use.COUNTED, issuer.acceptCount(nonce, 2));
        assertEquals(NonceIssuer.Verdict.INVALID, issuer.verify(nonce.substring(0, nonce.length() - 2) + "AA"));
        assertEquals(NonceIssuer.Verdict.INVALID, new NonceIssuer(300, 1000, now::get).verify(nonce));
        now.addAndGet(301_000);
        assertEquals(NonceIssuer.Verdict.STALE, issuer.verify(nonce));
    }

    @Test
    public void failuresLockASourceOutForTheLockoutTime() {
        AtomicLong now = new AtomicLong(0);
        FailureThrottle t = new FailureThrottle(3, 60, 300, now::get);
        t.failed("192.0.2.1");
        t.failed("192.0.2.1");
        assertEquals(0, t.lockedFor("192.0.2.1"));
        t.failed("192.0.2.1");
        assertEquals(300, t.lockedFor("192.0.2.1"));
        assertEquals("other sources are not affected", 0, t.lockedFor("192.0.2.2"));
        now.set(300_001);
        assertEquals(0, t.lockedFor("192.0.2.1"));
    }

    @Test
    public void failuresOutsideTheWindowDoNotAddUp() {
        AtomicLong now = new AtomicLong(0);
        FailureThrottle t = new FailureThrottle(3, 60, 300, now::get);
        t.failed("192.0.2.1");
        t.failed("192.0.2.1");
        now.set(61_000);
        t.failed("192.0.2.1");
        assertEquals(0, t.lockedFor("192.0.2.1"));
    }

    @Test
    public void theThrottleTracksAtMostItsCapForgettingKeysNotLockedOutFirst() {
        AtomicLong now = new AtomicLong(0);
        FailureThrottle t = new FailureThrottle(2, 60, 300, now::get, 3);
        t.failed("a");
        t.failed("a"); // locked
        t.failed("b");
        t.failed("c");
        t.failed("d"); // full: b or c is forgotten, never a
        assertEquals(300, t.lockedFor("a"));
        t.failed("d");
        assertEquals("d counts once it is tracked", 300, t.lockedFor("d"));
        t.failed("e");
        t.failed("e");
        t.failed("f");
        t.failed("f"); // a, d and e locked: nothing left to forget, f is not tracked
        assertEquals(300, t.lockedFor("a"));
        assertEquals(300, t.lockedFor("e"));
        assertEquals(0, t.lockedFor("f"));
    }
}
