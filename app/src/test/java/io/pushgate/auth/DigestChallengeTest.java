package io.pushgate.auth;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** The client side of digest: an answer the server side (DigestCredentials) accepts, per algorithm and secret. */
public class DigestChallengeTest {
    private static boolean accepted(String authorization, DigestAlgorithm alg, String ha1, String method) {
        DigestCredentials c = DigestCredentials.parse(authorization);
        return c != null && c.complete() && c.expectedResponse(alg, ha1, method).equals(c.response());
    }

    @Test
    public void md5AndSha256ChallengesAreAnsweredWithThePassword() {
        for (DigestAlgorithm alg : DigestAlgorithm.values()) {
            DigestChallenge ch = DigestChallenge.parse("Digest realm=\"sip.provider.example\", nonce=\"abc\", qop=\"auth,auth-int\", algorithm=" + alg.token());
            String answer = ch.answer(new DigestChallenge.Secret("4930123", "s3cret", null), "REGISTER", "sip:sip.provider.example", 1);
            assertTrue(answer, accepted(answer, alg, alg.ha1("4930123", "sip.provider.example", "s3cret"), "REGISTER"));
            assertTrue(answer, answer.contains("nc=00000001") && answer.contains("qop=auth") && answer.contains("algorithm=" + alg.token()));
        }
    }

    @Test
    public void anMd5Ha1AnswersMd5OnlyAndAnOpaqueIsReturned() {
        String ha1 = DigestAlgorithm.MD5.ha1("u", "r", "p");
        DigestChallenge md5 = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", opaque=\"op\"");
        String answer = md5.answer(new DigestChallenge.Secret("u", null, ha1), "INVITE", "sip:bob@r", 1);
        assertTrue(answer, accepted(answer, DigestAlgorithm.MD5, ha1, "INVITE"));
        assertTrue(answer.contains("opaque=\"op\""));
        assertFalse("no qop offered, none used", answer.contains("qop="));
        assertNull(DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256").answer(new DigestChallenge.Secret("u", null, ha1), "INVITE", "sip:b@r", 1));
    }

    @Test
    public void staleAndUnanswerableChallengesAreRecognised() {
        assertTrue(DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", stale=true").stale());
        assertNull("auth-int only", DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""));
        assertNull(DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256"));
        assertNull(DigestChallenge.parse("Basic realm=\"r\""));
        assertEquals(DigestAlgorithm.MD5, DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\"").algorithm());
    }
}
