package io.pushgate.auth;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.sip.LocalDomain;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.util.List;
import org.junit.Test;

public class IdentityCheckTest {
    private final IdentityCheck step = new IdentityCheck(new LocalDomain(List.of("example.com")));

    private StepRun run(String method, String from, String to, String authenticated) throws Exception {
        TestRequest req = TestRequest.of(method + " sip:example.com SIP/2.0\nFrom: <" + from + ">;tag=1\nTo: <" + to + ">\n"
                + "Call-ID: id\nCSeq: 1 " + method + "\n");
        return StepRun.of(req, (ex, chain) -> {
            if (authenticated != null) ex.authenticatedAs(authenticated);
            chain.proceed(ex);
        }, step);
    }

    @Test
    public void aUserRegistersOnlyItsOwnAddressAndSendsOnlyAsItself() throws Exception {
        assertTrue(run("REGISTER", "sip:alice@example.com", "sip:alice@example.com", "alice").proceeded());
        assertEquals(403, run("REGISTER", "sip:alice@example.com", "sip:bob@example.com", "alice").status());
        assertEquals("To Does Not Match Credentials", run("REGISTER", "sip:alice@example.com", "sip:bob@example.com", "alice").response().getReasonPhrase());
        assertTrue(run("MESSAGE", "sip:alice@example.com", "sip:bob@example.com", "alice").proceeded());
        assertEquals(403, run("MESSAGE", "sip:bob@example.com", "sip:carol@example.com", "alice").status());
    }

    @Test
    public void unauthenticatedRequestsAreNotItsToJudge() throws Exception {
        assertTrue(run("MESSAGE", "sip:bob@other.net", "sip:carol@example.com", null).proceeded());
    }
}
