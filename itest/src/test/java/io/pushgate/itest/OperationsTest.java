package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * What an operator watches, on the real server: /metrics read by Prometheus's own parser
 * (promtool) and by value after real REGISTERs from sipp, its series not growing with the number
 * of users, and /health/ready following a PostgreSQL server that stops and comes back.
 */
public class OperationsTest {
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)$");

    private static HttpResponse<String> get(PushgateProcess server, String path) throws Exception {
        return ManagementClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort + "/pushgate" + path))
                .timeout(java.time.Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every sample of a scrape: series (name and labels) to value. */
    private static Map<String, Double> samples(String body) {
        Map<String, Double> m = new TreeMap<>();
        Matcher s = SAMPLE.matcher(body);
        while (s.find()) m.put(s.group(1), Double.parseDouble(s.group(2)));
        return m;
    }

    private static Sipp.Result registerAll(Path work, PushgateProcess server, int first, int count) throws Exception {
        StringBuilder csv = new StringBuilder("SEQUENTIAL\n");
        for (int i = first; i < first + count; i++) csv.append("u").append(i).append(";").append(Requests.auth("u" + i, "pw-u" + i)).append('\n');
        Path users = Files.createTempFile(work, "users", ".csv");
        Files.writeString(users, csv, StandardCharsets.ISO_8859_1);
        String scenario = Sipp.scenario(
                Sipp.send(Requests.register("[field0]", 1, "<sip:[field0]@[local_ip]:[local_port]>", "600", "")),
                Sipp.recv(401),
                Sipp.send(Requests.register("[field0]", 2, "<sip:[field0]@[local_ip]:[local_port]>", "600", "[field1]")),
                Sipp.recv(200));
        return Sipp.run(work, scenario, server.uri(), "-inf", users.toString(), "-m", Integer.toString(count), "-r", "500", "-l", "200",
                "-timeout", "120s");
    }

    @Test
    public void metricsParseCountWhatHappenedAndDoNotGrowWithUsers() throws Exception {
        Path work = TestDirs.create("operations-it");
        int users = 10_000;
        try (PushgateProcess server = new PushgateProcess("[registrar]\nmin-expires = 60\n[server]\nlog-format = json\n")) {
            StringBuilder accounts = new StringBuilder();
            for (int i = 0; i < 20 + users; i++) accounts.append("u").append(i).append(";pw-u").append(i).append('\n');
            Path file = Files.createTempFile(work, "accounts", ".txt");
            Files.writeString(file, accounts);
            assertEquals(0, server.command("subscriber", "import", file.toString()).exit());
            server.start();

            server.assertPassed(registerAll(work, server, 0, 20));
            server.sipp(Sipp.send(Requests.register("u0", 1, "<sip:u0@[local_ip]:[local_port]>", "600", "")), Sipp.recv(401),
                    Sipp.send(Requests.register("u0", 2, "<sip:u0@[local_ip]:[local_port]>", "600", Requests.auth("u0", "wrong"))), Sipp.recv(401));
            assertJsonLog(server.log());
            HttpResponse<String> first = get(server, "/metrics");
            assertEquals(200, first.statusCode());
            assertTrue(first.headers().firstValue("Content-Type").orElse(""), first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertPromtoolAccepts(work, first.body());
            Map<String, Double> before = samples(first.body());
            for (String family : new String[] {"pushgate_sip_requests_received_total{method=\"REGISTER\"}", "pushgate_registers_total{outcome=\"accepted\"}",
                    "pushgate_registers_total{outcome=\"challenged\"}", "pushgate_bindings", "pushgate_aors", "jvm_threads_current"}) {
                assertTrue(family + " in\n" + first.body(), before.containsKey(family));
            }

            server.assertPassed(registerAll(work, server, 20, users));
            String body = get(server, "/metrics").body();
            assertPromtoolAccepts(work, body);
            Map<String, Double> after = samples(body);
            // the JVM's own series may come and go with its collectors' work; Pushgate's may not grow with users
            java.util.Set<String> added = new java.util.TreeSet<>(after.keySet());
            added.removeAll(before.keySet());
            added.removeIf(k -> !k.startsWith("pushgate_"));
            assertEquals("10,000 more users add no series", java.util.Set.of(), added);
            assertEquals(users, after.get("pushgate_registers_total{outcome=\"accepted\"}") - before.get("pushgate_registers_total{outcome=\"accepted\"}"), 0);
            assertEquals(users, after.get("pushgate_registers_total{outcome=\"challenged\"}") - before.get("pushgate_registers_total{outcome=\"challenged\"}"), 0);
            assertEquals(2.0 * users, after.get("pushgate_sip_requests_received_total{method=\"REGISTER\"}")
                    - before.get("pushgate_sip_requests_received_total{method=\"REGISTER\"}"), 0);
            assertEquals(20 + users, after.get("pushgate_aors"), 0);
            assertEquals(20 + users, after.get("pushgate_bindings"), 0);
            assertTrue("no address, user or Call-ID in a label", !body.contains("127.0.0.1") && !body.contains("u42") && !body.contains("@"));
        }
    }

    /** [server] log-format = json: every line a JSON object; the digest failure names its call and user, never the password. */
    private static void assertJsonLog(String log) {
        boolean failureSeen = false;
        for (String line : log.lines().filter(l -> l.startsWith("{")).toList()) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            assertTrue(line, o.has("time") && o.has("level") && o.has("logger") && o.has("message"));
            if (o.get("message").getAsString().startsWith("auth failure user=u0")) {
                failureSeen = true;
                assertEquals(line, "u0", o.get("user").getAsString());
                assertTrue(line, o.get("call-id").getAsString().contains("@"));
            }
        }
        assertTrue("the digest failure is logged as JSON:\n" + log, failureSeen);
        assertTrue("no line of the log is plain text", log.lines().noneMatch(l -> l.matches("^\\d{4}-\\d\\d-\\d\\d .*")));
        assertTrue(!log.contains("wrong\""));
    }

    private static void assertPromtoolAccepts(Path work, String body) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(body.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("promtool did not end", p.waitFor(30, TimeUnit.SECONDS));
        // promtool also lints (exit 3 for lint only); a parse error is exit 1
        assertTrue("promtool check metrics: exit " + p.exitValue() + "\n" + out, p.exitValue() == 0);
    }

    @Test
    public void readinessFollowsTheDatabase() throws Exception {
        try (PostgresServer pg = new PostgresServer();
             PushgateProcess server = new PushgateProcess("[database]\nurl = " + pg.jdbcUrl() + "\nuser = pushgate\n")) {
            server.start();
            assertEquals(200, get(server, "/health/live").statusCode());
            assertEquals(200, get(server, "/health/ready").statusCode());
            pg.stop();
            HttpResponse<String> down = awaitReady(server, 503);
            JsonObject why = JsonParser.parseString(down.body()).getAsJsonObject();
            assertTrue(down.body(), why.get("database").getAsString().startsWith("down"));
            assertEquals("up", why.get("sip").getAsString());
            assertEquals("alive while not ready", 200, get(server, "/health/live").statusCode());
            pg.start();
            awaitReady(server, 200);
            assertEquals("management paths are not on the public listener", 404, ManagementClient.HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.httpPort + "/pushgate/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    private static HttpResponse<String> awaitReady(PushgateProcess server, int status) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        HttpResponse<String> r;
        do {
            r = get(server, "/health/ready");
            if (r.statusCode() == status) return r;
            Thread.sleep(250);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("/health/ready stayed " + r.statusCode() + ": " + r.body());
    }

}
