package io.pushgate.itest;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A device that answers 180 and 200 back to back, 300 calls through the registrar: the caller
 * must get every 180, before its 200. Handled by two threads in the wrong order, the late 180
 * would be dropped (the caller hears no ringing); the datagrams of one call are handled in the
 * order they arrived.
 */
public class ResponseOrderTest {
    private static final int CALLS = 300;
    private static PushgateProcess server;

    @BeforeClass
    public static void start() throws Exception {
        server = new PushgateProcess("");
        server.addSubscriber("alice", "pw-alice");
        server.addSubscriber("bob", "pw-bob");
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    public void everyRingingArrivesBeforeTheAnswer() throws Exception {
        int devicePort = PushgateProcess.freePort();
        server.registerDevice("bob", "<sip:bob@[local_ip]:[local_port]>", devicePort);
        Sipp.Running device = Sipp.start(server.dir, Calls.uas().replace("<timewait milliseconds=\"500\"/>", ""), null, devicePort,
                "-m", Integer.toString(CALLS));
        String caller = Calls.authenticatedCaller("alice", "pw-alice", "bob", 0)
                .replace("<recv response=\"180\" optional=\"true\"/>", "<recv response=\"180\"/>");
        Sipp.Result calls = Sipp.run(server.dir, caller, server.uri(), "-m", Integer.toString(CALLS), "-r", "30", "-l", "20");
        server.assertPassed(calls);
        server.assertPassed(device.await());
    }
}
