package io.pushgate.itest;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** Two real baresip phones register with passwords and call each other through Pushgate, both ways. */
public class BaresipCallTest {

    @Test
    public void phonesRegisterAndCallEachOtherWithAckAndBye() throws Exception {
        try (PushgateProcess server = new PushgateProcess("")) {
            for (String u : new String[] {"alice", "bob"}) assertEquals(0, server.addSubscriber(u, "pw-" + u).exit());
            server.start();
            try (Baresip alice = new Baresip(server.dir, "alice", "pw-alice", server.uri());
                 Baresip bob = new Baresip(server.dir, "bob", "pw-bob", server.uri())) {
                alice.awaitRegistered(15);
                bob.awaitRegistered(15);
                call(alice, bob, server);
                call(bob, alice, server);
            }
        }
    }

    /** Caller dials, callee auto-answers (established on the callee means the ACK arrived), caller hangs up (BYE). */
    private static void call(Baresip caller, Baresip callee, PushgateProcess server) throws Exception {
        caller.command("dial", "sip:" + callee.user + "@" + server.uri());
        caller.await("CALL_ESTABLISHED", 15);
        callee.await("CALL_ESTABLISHED", 15);
        Thread.sleep(500);
        caller.command("hangup", "");
        caller.await("CALL_CLOSED", 10);
        callee.await("CALL_CLOSED", 10); // the BYE reached the callee along the record-route
    }
}
