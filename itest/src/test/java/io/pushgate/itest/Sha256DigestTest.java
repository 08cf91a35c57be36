package io.pushgate.itest;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** RFC 8760's SHA-256 digest answered by a real client (linphonec), on a server that accepts no other algorithm. */
public class Sha256DigestTest {

    @Test
    public void linphoneRegistersWithSha256Only() throws Exception {
        try (PushgateProcess server = new PushgateProcess("[auth]\nchallenge-algorithms = SHA-256\nalgorithms = SHA-256\n")) {
            assertEquals(0, server.addSubscriber("lena", "pw-lena-256").exit());
            server.start();
            try (Linphone phone = Linphone.registering(server.dir, "lena", "pw-lena-256", "localhost", server.uri())) {
                Await.until("lena's binding is stored", 30, () -> server.storedContacts("lena").size() == 1);
            }
        }
    }
}
