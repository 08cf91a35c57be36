package io.pushgate.routing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.registrar.BindingChange;
import io.pushgate.registrar.BindingRecord;
import io.pushgate.testing.StepRun;
import io.pushgate.testing.TestRequest;
import java.util.List;
import org.junit.Test;

/** Requests inside dialogs reach WebSocket clients over their connection, registered or not. */
public class WebSocketFlowsTest {
    private final WebSocketFlows flows = new WebSocketFlows();

    private static TestRequest inDialog(String ruri) {
        return TestRequest.of("BYE " + ruri + " SIP/2.0\nFrom: <sip:bob@example.com>;tag=1\nTo: <sip:alice@example.com>;tag=2\n"
                + "Call-ID: ws\nCSeq: 2 BYE\n");
    }

    @Test
    public void aRegisteredBrowserIsReachedAtTheConnectionItRegisteredOver() throws Exception {
        BindingRecord b = new BindingRecord("b1", "sip:alice@example.com", "sip:k7x2@df7jal23ls0d.invalid;transport=ws", "", null, 0,
                1000, Long.MAX_VALUE, "c", 1, null, "wss:198.51.100.7:51000", "198.51.100.7:51000", null, 0);
        flows.changed("sip:alice@example.com", List.of(new BindingChange(b, BindingChange.Event.REGISTERED)));
        TestRequest bye = inDialog("sip:k7x2@df7jal23ls0d.invalid;transport=ws");
        assertFalse("the container routes it on", flows.onSubsequent(bye));
        assertEquals("sip:k7x2@198.51.100.7:51000;transport=wss", bye.getRequestURI().toString());

        flows.changed("sip:alice@example.com", List.of(new BindingChange(b, BindingChange.Event.UNREGISTERED)));
        TestRequest after = inDialog("sip:k7x2@df7jal23ls0d.invalid;transport=ws");
        flows.onSubsequent(after);
        assertTrue("gone with its binding", after.getRequestURI().toString().contains(".invalid"));
    }

    @Test
    public void aBrowserThatCalledWithoutRegisteringIsReachedThroughItsDialog() throws Exception {
        TestRequest invite = TestRequest.of("""
                INVITE sip:bob@example.com SIP/2.0
                From: <sip:guest@example.com>;tag=1
                To: <sip:bob@example.com>
                Call-ID: ws-guest
                CSeq: 1 INVITE
                Contact: <sip:g1@abc.invalid;transport=ws>
                """).from("198.51.100.8", 52000, "WS");
        // the call is proxied on, and its sessions live as long as the dialog
        assertTrue(StepRun.of(invite, flows, (ex, chain) -> ex.proxied()).exchange.isProxied());
        // the callee's BYE comes in the same dialog, so with the same session
        TestRequest bye = invite.inSameDialog("BYE sip:g1@abc.invalid;transport=ws SIP/2.0\nFrom: <sip:bob@example.com>;tag=9\n"
                + "To: <sip:guest@example.com>;tag=1\nCall-ID: ws-guest\nCSeq: 1 BYE\n");
        flows.onSubsequent(bye);
        assertEquals("sip:g1@198.51.100.8:52000;transport=ws", bye.getRequestURI().toString());
    }
}
