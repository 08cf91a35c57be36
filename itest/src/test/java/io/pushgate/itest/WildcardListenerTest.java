package io.pushgate.itest;

import static org.junit.Assert.assertFalse;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import org.junit.Test;

/**
 * A server listening on 0.0.0.0 still knows which addresses are its own: an in-dialog request
 * that no Route brings here, for another port of this machine, is refused 481 and not relayed
 * there (the container relays such a request statelessly; with a wildcard listener the guard
 * used to let every one through).
 */
public class WildcardListenerTest {

    @Test
    public void aStrayInDialogRequestIsRefusedAndNotRelayed() throws Exception {
        try (PushgateProcess server = new PushgateProcess("[server]\nsip-address = 0.0.0.0\n");
             DatagramSocket target = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.start();
            server.sipp(Sipp.send("""
                    BYE sip:bob@127.0.0.1:%d SIP/2.0
                    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                    Max-Forwards: 70
                    From: <sip:alice@example.org>;tag=a[call_number]
                    To: <sip:bob@example.org>;tag=b1
                    Call-ID: [call_id]
                    CSeq: 2 BYE
                    Content-Length: 0
                    """.formatted(target.getLocalPort())), Sipp.recv(481));
            target.setSoTimeout(2000);
            boolean relayed;
            try {
                target.receive(new DatagramPacket(new byte[4096], 4096));
                relayed = true;
            } catch (SocketTimeoutException nothing) {
                relayed = false;
            }
            assertFalse("the BYE was relayed to the other port", relayed);
        }
    }
}
