package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The sign-up page of the real server, with a real SMTP server (aiosmtpd) on loopback: a person
 * signs up in Chromium, the mail arrives, and the link in it configures linphonec, which registers.
 * Then what happens when the mail server is down, and when one address tries too often.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING) // the hourly allowance is used up last
public class SignupTest {
    private static final int PER_HOUR = 6;
    private static final List<String> WORDS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");

    private static Path work;
    private static SmtpSink smtp;
    private static PushgateProcess server;
    private static ManagementClient management;
    private static String read;
    /** Sign-up attempts this class made from 127.0.0.1; each one counts toward signup-per-hour. */
    private static int attempts;

    @BeforeClass
    public static void start() throws Exception {
        work = TestDirs.create("signup-it");
        smtp = new SmtpSink(work);
        server = new PushgateProcess("""
                [provisioning]
                signup = true
                smtp-host = 127.0.0.1
                smtp-port = %d
                smtp-from = signup@pushgate.test
                signup-per-hour = %d
                """.formatted(smtp.port, PER_HOUR));
        management = new ManagementClient(server);
        read = management.addKey("monitor", "read");
        server.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) server.close();
        if (smtp != null) smtp.close();
    }

    private static String signupUrl() {
        return "http://127.0.0.1:" + server.httpPort + "/pushgate/signup";
    }

    @Test
    public void aPersonSignsUpInChromiumAndThePhoneRegistersWithTheMailedLink() throws Exception {
        List<String> steps = Browser.signUp(signupUrl(), "iris", "iris@pushgate.test", "violet phone 2026");
        attempts += 2;
        JsonObject wrong = JsonParser.parseString(steps.get(0)).getAsJsonObject();
        assertEquals(steps.toString(), 422, wrong.get("status").getAsInt());
        assertFalse("the wrong answer is named", wrong.get("answerProblem").isJsonNull());
        JsonObject right = JsonParser.parseString(steps.get(1)).getAsJsonObject();
        assertEquals(steps.toString(), 201, right.get("status").getAsInt());
        assertEquals("Check your mail", right.get("heading").getAsString());

        String mail = smtp.awaitMail(1, 20);
        assertTrue(mail, mail.contains("To: iris@pushgate.test"));
        assertTrue(mail, mail.contains("From: signup@pushgate.test"));
        assertFalse("the password is not mailed", mail.contains("violet phone 2026"));
        Matcher link = Pattern.compile("(http://127\\.0\\.0\\.1:" + server.httpPort + "/pushgate/provisioning/[A-Za-z0-9_-]+)").matcher(mail);
        assertTrue(mail, link.find());

        try (Linphone linphone = Linphone.provisionedFrom(work, link.group(1))) {
            assertTrue("linphonec did not register:\n" + linphone.log(), management.awaitRegistered("iris", read, 30));
        }
        HttpResponse<String> account = management.call("GET", "/api/v1/subscribers/iris", read, null);
        assertEquals("iris@pushgate.test", JsonParser.parseString(account.body()).getAsJsonObject().get("email").getAsString());
        assertFalse("the log never holds the address or the password",
                server.log().contains("iris@pushgate.test") || server.log().contains("violet phone 2026"));
    }

    @Test
    public void noMailNoAccountAndOneAddressIsHeldToItsHourlyAllowance() throws Exception {
        smtp.stop();
        try {
            HttpResponse<String> down = submit("jack", "jack@pushgate.test", "black phone 2026");
            assertEquals(down.body(), 503, down.statusCode());
            assertEquals("no account without its mail", 404, management.call("GET", "/api/v1/subscribers/jack", read, null).statusCode());
        } finally {
            smtp.start();
        }
        HttpResponse<String> r;
        do {
            r = submit("a b", "not an address", "x");
        } while (r.statusCode() == 422 && attempts <= PER_HOUR);
        assertEquals("held after " + PER_HOUR + " attempts", PER_HOUR + 1, attempts);
        assertEquals(429, r.statusCode());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
        assertEquals("a good form waits too", 429, submit("kate", "kate@pushgate.test", "green phone 2026").statusCode());
        assertEquals(404, management.call("GET", "/api/v1/subscribers/kate", read, null).statusCode());
    }

    /** Gets the form, answers its question and posts it, as a script would. */
    private static HttpResponse<String> submit(String user, String email, String password) throws Exception {
        String form = ManagementClient.HTTP.send(HttpRequest.newBuilder(URI.create(signupUrl())).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher q = Pattern.compile("What is (\\w+) plus (\\w+)\\?").matcher(form);
        Matcher token = Pattern.compile("name=\"token\" value=\"([^\"]+)\"").matcher(form);
        assertTrue(form, q.find() && token.find());
        String body = "username=" + enc(user) + "&email=" + enc(email) + "&password=" + enc(password) + "&password2=" + enc(password)
                + "&token=" + enc(token.group(1)) + "&answer=" + (WORDS.indexOf(q.group(1)) + WORDS.indexOf(q.group(2)));
        attempts++;
        return ManagementClient.HTTP.send(HttpRequest.newBuilder(URI.create(signupUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
