package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Provisioning over the real server's two HTTP listeners: the management API with its keys and
 * scopes, an account it creates registering from baresip, the sip:carrier launcher link checked
 * against openssl and its redirect as Chromium sees it, and Linphone's remote provisioning with a
 * real linphonec, its QR code decoded back.
 */
public class ProvisioningTest {
    private static final String KEY_HEX = HexFormat.of().formatHex("iBmTdavJ8joPW3HO".getBytes(StandardCharsets.US_ASCII));
    private static final String IV_HEX = HexFormat.of().formatHex("tww21lQe6cmywrp3".getBytes(StandardCharsets.US_ASCII));
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static Path work;
    private static PushgateProcess server;
    private static String admin;
    private static String provision;
    private static String read;

    @BeforeClass
    public static void start() throws Exception {
        work = Files.createTempDirectory("provisioning-it");
        server = new PushgateProcess("");
        admin = key("admin", "admin");
        provision = key("crm", "provision");
        read = key("monitor", "read");
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
    }

    private static String key(String name, String scope) throws Exception {
        PushgateProcess.CommandResult r = server.command("api-key", "add", name, "--scope", scope);
        assertEquals(r.output(), 0, r.exit());
        String key = r.output().lines().filter(l -> l.startsWith("pgk_")).findFirst().orElseThrow();
        return key.strip();
    }

    private static String management(String path) {
        return "http://127.0.0.1:" + server.managementPort + "/pushgate" + path;
    }

    private static String publicUrl(String path) {
        return "http://127.0.0.1:" + server.httpPort + "/pushgate" + path;
    }

    private static HttpResponse<String> api(String method, String path, String key, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(management(path))).timeout(java.time.Duration.ofSeconds(10));
        if (key != null) b.header("Authorization", "Bearer " + key);
        if (json != null) b.header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static String run(String input, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", command) + ": " + out, p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0);
        return out;
    }

    @Test
    public void anAccountMadeThroughTheApiRegistersFromARealPhone() throws Exception {
        HttpResponse<String> created = api("POST", "/api/v1/subscribers", provision, "{\"username\":\"frank\",\"password\":\"franks-phone-pw\"}");
        assertEquals(created.body(), 201, created.statusCode());
        try (Baresip phone = new Baresip(work, "frank", "franks-phone-pw", server.uri())) {
            phone.awaitRegistered(15);
            long deadline = System.currentTimeMillis() + 10_000;
            HttpResponse<String> devices;
            do {
                devices = api("GET", "/api/v1/subscribers/frank/devices", read, null);
                Thread.sleep(100);
            } while (!devices.body().contains("\"registered\":true") && System.currentTimeMillis() < deadline);
            assertTrue(devices.body(), devices.body().contains("\"registered\":true"));
        }
        assertEquals(204, api("DELETE", "/api/v1/subscribers/frank", admin, null).statusCode());
        assertEquals(404, api("GET", "/api/v1/subscribers/frank", read, null).statusCode());
    }

    @Test
    public void keysScopesAndErrorsOverHttp() throws Exception {
        assertEquals(401, api("GET", "/api/v1/subscribers", null, null).statusCode());
        assertEquals(403, api("DELETE", "/api/v1/subscribers/nobody", provision, null).statusCode());
        assertEquals(404, api("GET", "/api/v1/subscribers/nobody", read, null).statusCode());
        assertEquals(415, HTTP.send(HttpRequest.newBuilder(URI.create(management("/api/v1/subscribers"))).header("Authorization", "Bearer " + provision)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> invalid = api("POST", "/api/v1/subscribers", provision, "{\"username\":\"a b\",\"password\":\"x\"}");
        assertEquals(422, invalid.statusCode());
        assertTrue(invalid.body(), json(invalid).getAsJsonObject("fields").has("username"));
        HttpResponse<String> openapi = api("GET", "/api/v1/openapi.json", null, null);
        assertEquals(200, openapi.statusCode());
        assertTrue(json(openapi).getAsJsonObject("paths").has("/api/v1/subscribers/{user}"));
        // each listener serves its own part only
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(publicUrl("/api/v1/subscribers"))).header("Authorization", "Bearer " + admin)
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(management("/sipphone?c=abc"))).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(publicUrl("/webphone/index.html"))).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        // the CLI's key is revoked: refused from then on
        assertEquals(0, server.command("api-key", "revoke", "monitor").exit());
        assertEquals(401, api("GET", "/api/v1/subscribers", read, null).statusCode());
        read = key("monitor2", "read");
    }

    @Test
    public void theLauncherLinkIsSipCarriersByteForByteAndRedirectsToTheApp() throws Exception {
        assertEquals(201, api("POST", "/api/v1/subscribers", provision, "{\"username\":\"gail\",\"password\":\"g@il's pw+1\"}").statusCode());
        JsonObject link = json(api("POST", "/api/v1/subscribers/gail/launcher-link", provision, "{\"password\":\"g@il's pw+1\"}"));
        String base64 = link.get("base64").getAsString();

        // openssl decrypts it to sip:carrier's clear string, and makes the same from that string
        String clear = "username=gail&server=localhost&password=g@il's pw+1";
        assertEquals(clear, run(base64 + "\n", "openssl", "enc", "-d", "-aes-128-cbc", "-K", KEY_HEX, "-iv", IV_HEX, "-base64", "-A"));
        assertEquals(base64, run(clear, "openssl", "enc", "-aes-128-cbc", "-K", KEY_HEX, "-iv", IV_HEX, "-base64", "-A").strip());
        String escaped = run(base64, "python3", "-c", "import sys, urllib.parse; print(urllib.parse.quote_plus(sys.stdin.read()), end='')");
        assertEquals(escaped, link.get("escaped").getAsString());
        assertEquals(publicUrl("/sipphone?c=" + escaped), link.get("url").getAsString());

        // the CLI prints the same, as sip:carrier's script does: the Base64 string, the escaped one, the link
        PushgateProcess.CommandResult cli = server.commandWithInput("g@il's pw+1\n", "zero-config-link", "gail");
        assertEquals(cli.output(), 0, cli.exit());
        assertEquals(List.of(base64, escaped, link.get("url").getAsString()), cli.output().lines().filter(l -> !l.startsWith("20")).toList());

        // Chromium opening the link gets the redirect to the app, not followed
        JsonObject seen = JsonParser.parseString(Browser.firstResponse(link.get("url").getAsString())).getAsJsonObject();
        assertEquals(301, seen.get("status").getAsInt());
        assertEquals("sipphone://" + base64, seen.get("location").getAsString());
        assertEquals("no-store", seen.get("cacheControl").getAsString());
        // not Base64 of whole AES blocks
        assertEquals(400, HTTP.send(HttpRequest.newBuilder(URI.create(publicUrl("/sipphone?c=" + base64.substring(4)))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertFalse("c never reaches the log", server.log().contains(base64.substring(0, 20)));
    }

    @Test
    public void linphoneConfiguresItselfFromASingleUseLinkAndRegisters() throws Exception {
        assertEquals(201, api("POST", "/api/v1/subscribers", provision, "{\"username\":\"hugo\",\"password\":\"hugos linphone\"}").statusCode());
        HttpResponse<String> made = api("POST", "/api/v1/subscribers/hugo/provisioning-link", provision, null);
        assertEquals(201, made.statusCode());
        String url = json(made).get("url").getAsString();
        assertTrue(url, url.startsWith(publicUrl("/provisioning/")));
        byte[] png = Base64.getDecoder().decode(json(made).get("qrPng").getAsString().replaceFirst("^data:image/png;base64,", ""));
        String decoded = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(ImageIO.read(new ByteArrayInputStream(png)))))).getText();
        assertEquals("the QR code is the link", url, decoded);

        try (Linphone linphone = Linphone.provisionedFrom(work, url)) {
            long deadline = System.currentTimeMillis() + 30_000;
            HttpResponse<String> devices;
            do {
                devices = api("GET", "/api/v1/subscribers/hugo/devices", read, null);
                Thread.sleep(200);
            } while (!devices.body().contains("\"registered\":true") && System.currentTimeMillis() < deadline);
            assertTrue("linphonec did not register:\n" + linphone.log(), devices.body().contains("\"registered\":true"));
            assertFalse("the clear password was never sent to it", linphone.log().contains("hugos linphone"));
        }
        assertEquals("a used link is gone", 404, HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals("an unknown one answers the same", 404, HTTP.send(HttpRequest.newBuilder(URI.create(publicUrl("/provisioning/nope"))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertNotNull(url);
    }
}
