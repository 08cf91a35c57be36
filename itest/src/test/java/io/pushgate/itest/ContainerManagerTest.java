package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The container's own Manager on the management listener, driven as an operator drives it: the
 * archive `mvn package` builds is undeployed and deployed again with curl's requests (text
 * interface) and uploaded from the HTML page as a .sar, SIP service stops and comes back with the
 * bindings kept, ten cycles leave no thread or heap behind, and the container's beans (dispatcher,
 * application router, session manager, stack counts) answer through the JMX proxy.
 */
public class ContainerManagerTest {
    private static final Path ROOT = Path.of(System.getProperty("pushgate.root", "..")).toAbsolutePath().normalize();
    private static final Path ARCHIVE = ROOT.resolve("app/target/pushgate.sar");
    private static final String PASSWORD = "deploy secret 1";
    private static PushgateProcess server;
    private static HttpClient http;

    @BeforeClass
    public static void start() throws Exception {
        server = new PushgateProcess("");
        for (String user : new String[] {"alice", "bob"}) assertEquals(0, server.addSubscriber(user, "pw-" + user).exit());
        PushgateProcess.CommandResult added = server.commandWithInput(PASSWORD + "\n", "console-user", "add", "deployer", "--roles",
                "manager-gui,manager-script,manager-jmx,manager-status");
        assertEquals(added.output(), 0, added.exit());
        server.start();
        http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    private static HttpRequest.Builder manager(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort + "/manager" + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("deployer:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(String path) throws Exception {
        return http.send(manager("/text" + path).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String deploy() throws Exception {
        return http.send(manager("/text/deploy?path=/pushgate&update=true").PUT(HttpRequest.BodyPublishers.ofFile(ARCHIVE)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String jmx(String query) throws Exception {
        return http.send(manager("/jmxproxy/?" + query).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The status line the server answers a REGISTER with (sent by pushgate send-request). */
    private static String registerStatus() throws Exception {
        PushgateProcess.CommandResult r = server.command("send-request", "REGISTER", "sip:" + server.uri(), "--from", "sip:alice@localhost",
                "--to", "sip:alice@localhost");
        return r.output().lines().filter(l -> l.startsWith("SIP/2.0")).findFirst().orElse(r.output());
    }

    private static void awaitRegisterStatus(String status) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        String seen;
        do {
            seen = registerStatus();
            if (seen.startsWith("SIP/2.0 " + status)) return;
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("REGISTER answered " + seen + ", not " + status);
    }

    @Test
    public void undeployAndDeployFromTheTextInterfaceKeepBindingsAndLeakNothing() throws Exception {
        int devicePort = PushgateProcess.freePort();
        server.registerDevice("bob", "<sip:bob@[local_ip]:[local_port]>", devicePort);
        assertTrue(text("/list"), text("/list").contains("/pushgate:running"));

        assertTrue(text("/undeploy?path=/pushgate").startsWith("OK"));
        assertTrue("no SIP service while undeployed", !registerStatus().startsWith("SIP/2.0 401"));
        long started = System.nanoTime();
        assertTrue(deploy().startsWith("OK - Deployed"));
        awaitRegisterStatus("401");
        assertTrue("serving within seconds of the deploy", System.nanoTime() - started < 20_000_000_000L);
        ProxyTest.placeCallToRegistered(server, devicePort, "bob");

        Map<String, Integer> threadsBefore = ownThreads();
        long heapBefore = heapAfterGc();
        for (int i = 0; i < 10; i++) {
            assertTrue(text("/undeploy?path=/pushgate").startsWith("OK"));
            assertTrue(deploy().startsWith("OK - Deployed"));
        }
        awaitRegisterStatus("401");
        // transient threads (a pool adding its connections) end by themselves; a leaked one never does
        long deadline = System.currentTimeMillis() + 60_000;
        Map<String, Integer> grown = grown(threadsBefore, ownThreads());
        long heapAfter = heapAfterGc();
        while ((!grown.isEmpty() || heapAfter > heapBefore * 1.10) && System.currentTimeMillis() < deadline) {
            Thread.sleep(2_000);
            grown = grown(threadsBefore, ownThreads());
            heapAfter = heapAfterGc();
        }
        assertTrue("threads more numerous after ten cycles: " + grown + "\nbefore: " + threadsBefore, grown.isEmpty());
        assertTrue("heap after GC " + heapBefore + " -> " + heapAfter, heapAfter <= heapBefore * 1.10);
        ProxyTest.placeCallToRegistered(server, devicePort, "bob");
    }

    /**
     * The server's threads by name, without the pools that grow with the work asked of them and
     * shrink when idle whatever is deployed: the HTTP connectors' workers (one per kept-alive
     * connection of this test), the dispatcher's asynchronous executor, the JVM's own compiler,
     * collector and attach threads. A leak shows as a name counted more often than before.
     */
    private static Map<String, Integer> ownThreads() throws Exception {
        Map<String, Integer> threads = server.threadCounts();
        threads.keySet().removeIf(n -> ELASTIC_THREADS.matcher(n).matches());
        return threads;
    }

    private static final Pattern ELASTIC_THREADS =
            Pattern.compile("http-bio-.*-exec|MSS-Executor-Thread|C[12] CompilerThread|G1 .*|GC Thread#|Attach Listener");

    private static Map<String, Integer> grown(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> grown = new TreeMap<>();
        after.forEach((name, count) -> {
            if (count > before.getOrDefault(name, 0)) grown.put(name, count - before.getOrDefault(name, 0));
        });
        return grown;
    }

    private static long heapAfterGc() throws Exception {
        for (int i = 0; i < 3; i++) jmx("invoke=java.lang:type=Memory&op=gc");
        return number(jmx("get=java.lang:type=Memory&att=HeapMemoryUsage&key=used"));
    }

    private static long number(String answer) {
        Matcher m = Pattern.compile("= (\\d+)").matcher(answer);
        assertTrue(answer, m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    public void aSarUploadedFromTheHtmlPageIsDeployedAndTheFormsNeedTheirNonce() throws Exception {
        assertTrue(text("/undeploy?path=/pushgate").startsWith("OK"));
        String list = http.send(manager("/html/list").build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher upload = Pattern.compile("action=\"(/manager/html/upload[^\"]*)\"").matcher(list);
        assertTrue(list, upload.find());
        String boundary = "pushgate" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployWar\"; filename=\"pushgate.sar\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(Files.readAllBytes(ARCHIVE));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        HttpResponse<String> forged = http.send(manager("/html/upload").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("a form posted without the page's nonce", 403, forged.statusCode());

        String uri = upload.group(1).replace("&amp;", "&");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort + uri))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("deployer:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body(), r.body().contains("<pre>OK</pre>"));
        awaitRegisterStatus("401");
    }

    @Test
    public void theContainersBeansAnswerAndTheRouterChangesAtRunTime() throws Exception {
        assertTrue(jmx("qry=pushgate:type=SipApplicationDispatcher").contains("RequestsProcessedByMethod"));
        assertTrue(jmx("qry=pushgate:type=Manager,context=/pushgate,host=localhost").contains("activeSipApplicationSessions"));
        assertTrue(jmx("qry=io.pushgate:type=SipTraffic").contains("ServerTransactions"));
        String dar = jmx("get=io.pushgate:type=ApplicationRouter&att=Configuration");
        assertTrue(dar, dar.contains("OPTIONS=(\"pushgate\""));

        String original = Files.readString(server.dir.resolve("container/conf/dars.properties"));
        String withoutOptions = original.lines().filter(l -> !l.startsWith("OPTIONS")).reduce("", (a, b) -> a + b + "\n");
        assertTrue(jmx("set=io.pushgate:type=ApplicationRouter&att=Configuration&val=" + URLEncoder.encode(withoutOptions, StandardCharsets.UTF_8))
                .startsWith("OK"));
        try {
            PushgateProcess.CommandResult options = server.command("send-request", "OPTIONS", "sip:" + server.uri());
            assertTrue(options.output(), options.output().contains("SIP/2.0 404"));
        } finally {
            jmx("set=io.pushgate:type=ApplicationRouter&att=Configuration&val=" + URLEncoder.encode(original, StandardCharsets.UTF_8));
        }
        assertTrue(server.command("send-request", "OPTIONS", "sip:" + server.uri()).output().contains("SIP/2.0 200"));
    }

    @Test
    public void theManagerIsOnTheManagementListenerOnlyAndAsksForItsUsers() throws Exception {
        HttpResponse<String> publicListener = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort + "/manager/text/list"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("deployer:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, publicListener.statusCode());
        HttpResponse<String> wrong = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.managementPort + "/manager/text/list"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("deployer:wrong".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode());
    }
}
