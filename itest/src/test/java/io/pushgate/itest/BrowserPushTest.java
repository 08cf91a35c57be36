package io.pushgate.itest;

import static io.pushgate.itest.PushedCalls.callUntilConnected;
import static io.pushgate.itest.PushedCalls.concat;
import static io.pushgate.itest.PushedCalls.inDialog;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The web phone page as served, in Chromium: it subscribes to WebPush with the VAPID key the
 * registrar's 200 names, registers with the subscription and sleeps. A call for it goes to the push
 * application server, whose push the stand-in for the browser's push service checks (VAPID) and
 * decrypts; delivered to the page's service worker, it wakes the page, which registers again and
 * takes the call.
 */
public class BrowserPushTest {
    private static Path work;
    private static Rtpengine rtpengine;
    private static WebPushStandIn webPush;
    private static PushgateProcess proxy;
    private static PushgateProcess server;
    private static int wsPort;

    @BeforeClass
    public static void start() throws Exception {
        work = TestDirs.create("pushgate-browser-push");
        Browser.install();
        rtpengine = Rtpengine.start(work, 35000);
        webPush = new WebPushStandIn();
        wsPort = PushgateProcess.freePort();
        String vapid = "\n[push-webpush]\nvapid-key-file = " + work.resolve("vapid.keys") + "\nsubject = mailto:ops@example.org\n";
        server = new PushgateProcess("");
        proxy = new PushgateProcess("""
                [server]
                ws-port = %d

                [registrar]
                nat-rewrite = false

                [auth]
                trusted-peers = 127.0.0.2

                [media]
                rtpengine = 127.0.0.1:%d

                [push-server]
                route-to = sip:127.0.0.2:%d
                """.formatted(wsPort, rtpengine.ngPort, server.sipPort) + vapid);
        server.configurePushServer(proxy.uri(), 30, "42100-42199", vapid);
        for (String user : new String[] {"web", "alice"}) assertEquals(0, proxy.addSubscriber(user, "pw-" + user).exit());
        proxy.start(); // makes the VAPID key pair the push application server then reads
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
        if (proxy != null) proxy.close();
        if (webPush != null) webPush.close();
        if (rtpengine != null) rtpengine.close();
    }

    /** The VAPID public key as a browser takes it (the uncompressed point, base64url), from the key file. */
    private static String applicationServerKey() throws Exception {
        String x509 = Files.readAllLines(work.resolve("vapid.keys")).get(0).strip();
        byte[] der = x509.contains("-") || x509.contains("_") ? Base64.getUrlDecoder().decode(x509) : Base64.getDecoder().decode(x509);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(der, der.length - 65, der.length));
    }

    @Test
    public void aSleepingBrowserIsWokenByWebPushAndTakesTheCall() throws Exception {
        String page = "http://127.0.0.1:" + proxy.httpPort + "/pushgate/webphone/index.html";
        try (Browser phone = Browser.startWithPush(page, "ws://127.0.0.1:" + wsPort, "web", "pw-web", "127.0.0.1",
                webPush.endpoint("tab-1"), webPush.p256dh(), webPush.auth(), work)) {
            String registered = phone.next("registered", 30);
            assertEquals("the page subscribed with the key the 200 named", applicationServerKey(), Browser.field(registered, "applicationServerKey"));
            phone.next("sleeping", 10);
            Await.until("the closed connection's binding is gone", 10, () -> proxy.storedContacts("web").isEmpty());

            Sipp.Running caller = Sipp.start(work, Sipp.scenario(concat(callUntilConnected("web", 4000, true),
                    Sipp.pause(500),
                    Sipp.send(inDialog("web", "BYE", 3)),
                    Sipp.recv(200))), proxy.uri(), PushgateProcess.freePort());
            WebPushStandIn.Push push = webPush.next(15);
            assertNotNull("no WebPush reached the stand-in:\n" + PushgateProcess.tail(server.log()), push);
            assertEquals("tab-1", push.subscription());
            assertTrue("the VAPID token checks out", push.vapidValid());
            assertEquals(applicationServerKey(), push.vapidKey());
            assertNotNull("the payload decrypts with the subscription's keys", push.payload());
            assertTrue(push.payload(), push.payload().contains("\"type\":\"call\""));

            phone.command("push " + push.payload());
            String woken = phone.next("woken", 20);
            assertTrue(woken, woken.contains("woken by a call push"));
            phone.next("established", 30);
            server.assertPassed(caller.await());
        }
    }
}
