package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * Every way a secret enters the server, at the debug log level, then the whole log searched for
 * each secret: passwords (set by the CLI and by the API), their HA1, the digest responses a client
 * sent (right and wrong), a device's push token, API keys (valid and not). User names must be there.
 */
public class SecretsInLogsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static String random(int bytes) {
        return new BigInteger(1, RANDOM.generateSeed(bytes)).toString(16);
    }

    @Test
    public void noSecretReachesTheLogAtTheDebugLevel() throws Exception {
        List<String> secrets = new ArrayList<>();
        try (PushgateProcess server = new PushgateProcess("[server]\nlog-level = debug\n")) {
            String password = "cli-" + random(12);
            secrets.add(password);
            assertEquals(0, server.addSubscriber("sam", password).exit());
            server.start();

            ManagementClient api = new ManagementClient(server);
            String key = api.addKey("ops", "admin");
            secrets.add(key);
            String apiPassword = "api-" + random(12);
            secrets.add(apiPassword);
            assertEquals(201, api.call("POST", "/api/v1/subscribers", key, "{\"username\":\"tom\",\"password\":\"" + apiPassword + "\"}").statusCode());
            assertEquals(200, api.call("PATCH", "/api/v1/subscribers/tom", key, "{\"password\":\"" + apiPassword + "x\"}").statusCode());
            String wrongKey = "pgk_" + random(20);
            secrets.add(wrongKey);
            assertEquals(401, api.call("GET", "/api/v1/subscribers", wrongKey, null).statusCode());

            String token = random(32);
            secrets.add(token);
            String contact = "<sip:sam@[local_ip]:[local_port];pn-provider=apns;pn-prid=" + token + ";pn-param=ABCD1234.org.example.app>";
            Sipp.Result registered = server.sipp(
                    Sipp.send(Requests.register("sam", 1, contact, "600", "")), Sipp.recv(401),
                    Sipp.send(Requests.register("sam", 2, contact, "600", Requests.auth("sam", "wrong-" + random(8)))), Sipp.recv(401),
                    Sipp.send(Requests.register("sam", 3, contact, "600", Requests.auth("sam", password))), Sipp.recv(200));
            Matcher m = Pattern.compile("response=\"([0-9a-f]+)\"").matcher(registered.messages());
            int responses = 0;
            while (m.find()) {
                secrets.add(m.group(1));
                responses++;
            }
            assertEquals("the wrong and the right digest response were sent", 2, responses);
            Matcher realm = Pattern.compile("realm=\"([^\"]+)\"").matcher(registered.messages());
            assertTrue(realm.find());
            secrets.add(HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(("sam:" + realm.group(1) + ":" + password).getBytes(StandardCharsets.UTF_8))));

            String log = server.log();
            assertTrue("user names are logged: operators need them", log.contains("sam"));
            for (String secret : secrets) assertTrue("a secret reached the log: " + secret, !log.contains(secret));
        }
    }
}
