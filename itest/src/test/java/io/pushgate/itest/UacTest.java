package io.pushgate.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.server.Modules;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.uac.RemoteRegistration;
import io.pushgate.uac.RemoteRegistrationTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * Pushgate as a client of an upstream provider played by a real Kamailio (provider.cfg): remote
 * registrations with digest auth (MD5 and SHA-256), 423 and short grants, refreshes on one Call-ID,
 * backoff while the provider is down and recovery, wrong credentials, calls in and out through the
 * registration with baresip on both sides, challenges answered on the provider leg (the INVITE's
 * and the BYE's), failover to a second provider, and From/To as each end sent them.
 */
public class UacTest {
    private static final String PASSWORD = "pw-acme";
    private final Path work;
    private final List<AutoCloseable> open = new ArrayList<>();
    private Kamailio provider;
    private PushgateProcess pushgate;

    public UacTest() throws Exception {
        work = TestDirs.create("uac-it");
    }

    @After
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private static final String PROVIDER_HOST = "127.0.0.2";

    private void start(int providerPort, String uacIni, String... kamailioDefines) throws Exception {
        provider = keep(Kamailio.start(work, "provider.cfg", PROVIDER_HOST, providerPort, kamailioDefines));
        pushgate = keep(new PushgateProcess("""
                [uac]
                startup-spread = 0
                poll-interval = 1
                retry-min = 1
                retry-max = 3
                credentials-retry = 600
                """ + uacIni).start());
        db = keep(new Database(new DatabaseSettings(pushgate.jdbcUrl(), "pushgate", "", 2, 2000, 10), Modules.entities()));
        table = new RemoteRegistrationTable(db);
    }

    private Database db;
    private RemoteRegistrationTable table;

    /** The row as the server keeps it: its state, last status, attempts, flags. */
    private RemoteRegistration row(String uuid) {
        return table.find(uuid).orElseThrow();
    }

    private boolean state(String uuid, String state) {
        return table.find(uuid).map(r -> state.equals(r.state())).orElse(false);
    }

    /** Adds a remote registration with the CLI, the password given on standard input. */
    private void addRegistration(String uuid, String remoteUser, String password, int expires) throws Exception {
        PushgateProcess.CommandResult r = pushgate.commandWithInput(password + "\n", "uac", "add", "--l-uuid", uuid, "--l-username", "alice",
                "--l-domain", "localhost", "--r-username", remoteUser, "--r-domain", provider.address(), "--expires", Integer.toString(expires));
        assertEquals(r.output(), 0, r.exit());
    }

    /** The REGISTERs the provider received, as it logged them: Call-ID, CSeq, Expires, and the user that authenticated. */
    private record Register(String callId, int cseq, String expires, String authUser) {}

    private List<Register> registers(String user) throws Exception {
        List<Register> out = new ArrayList<>();
        Matcher m = Pattern.compile("REGISTER from=sip:" + user + "@\\S+ ci=(\\S+) cs=(\\d+) expires=(\\S+) contact=\\S+ auth=(\\S*)")
                .matcher(provider.log());
        while (m.find()) out.add(new Register(m.group(1), Integer.parseInt(m.group(2)), m.group(3), m.group(4)));
        return out;
    }

    private static void await(String what, int seconds, BooleanSupplier condition) throws Exception {
        Await.until(what, seconds, condition);
    }

    private boolean quietly(CheckedCondition c) {
        try {
            return c.holds();
        } catch (Exception e) {
            return false;
        }
    }

    private interface CheckedCondition {
        boolean holds() throws Exception;
    }
    @Test
    public void aRegistrationAnswersItsChallengeAndA423RefreshesOnOneCallIdAndComesBackAfterAnOutage() throws Exception {
        int port = PushgateProcess.freePort();
        start(port, "");
        addRegistration("trunk1", "acme", PASSWORD, 5);

        // 5 s is below the provider's 10: 423 with Min-Expires, then granted 10 s, refreshed every 5 s
        await("three successful registrations", 30, () -> quietly(() -> registers("acme").stream()
                .filter(r -> r.authUser().equals("acme") && r.expires().equals("10")).count() >= 3));
        List<Register> seen = registers("acme");
        assertEquals("the first asks for the row's expiry", "5", seen.get(0).expires());
        assertTrue("then the provider's minimum", seen.stream().anyMatch(r -> r.expires().equals("10")));
        String callId = seen.get(0).callId();
        for (int i = 1; i < seen.size(); i++) {
            assertEquals("one Call-ID while it succeeds", callId, seen.get(i).callId());
            assertTrue("CSeq only grows: " + seen, seen.get(i).cseq() > seen.get(i - 1).cseq());
        }
        String dump = provider.kamcmd("ul.dump");
        assertTrue(dump, dump.contains("sip:trunk1@127.0.0.1:" + pushgate.sipPort));
        assertTrue(dump, dump.contains(callId));
        assertTrue(state("trunk1", "registered"));
        String info = pushgate.command("uac", "info", "trunk1").output();
        assertTrue(info, info.contains("state: registered") && info.contains("last status: 200"));

        // the provider goes away: the refresh times out, the registration waits and tries again, never disabled
        provider.close();
        open.remove(provider);
        await("retrying after the timeout", 60, () -> state("trunk1", "retrying"));
        assertTrue("attempts counted", row("trunk1").attempts() >= 1);
        assertTrue("the next attempt is planned", row("trunk1").nextAttempt() > 0);
        assertFalse("never disabled by default", row("trunk1").disabled());
        provider = keep(Kamailio.start(work, "provider.cfg", PROVIDER_HOST, port));
        await("registered again", 30, () -> state("trunk1", "registered"));
        List<Register> after = registers("acme");
        assertNotEquals("a new Call-ID after a failure", callId, after.get(after.size() - 1).callId());
        assertTrue(provider.kamcmd("ul.dump").contains("sip:trunk1@127.0.0.1:" + pushgate.sipPort));
    }

    @Test
    public void sha256IsAnsweredAndAWrongPasswordIsNotRetriedAtOnce() throws Exception {
        start(PushgateProcess.freePort(), "", "WITH_SHA256");
        addRegistration("good", "acme", PASSWORD, 12);
        addRegistration("bad", "mallory", "not-the-password", 12);
        // this provider challenges with SHA-256 only: being registered is the proof the answer was right
        await("the good one registered", 20, () -> state("good", "registered"));
        assertTrue(provider.kamcmd("ul.dump").contains("sip:good@127.0.0.1:" + pushgate.sipPort));
        await("the bad one refused", 20, () -> state("bad", "wrong credentials"));
        int tries = registers("mallory").size();
        assertEquals("one REGISTER without credentials, one with the wrong ones", 2, tries);
        Thread.sleep(3000); // nothing should happen in this time: the next attempt is credentials-retry (600 s) away
        assertEquals(tries, registers("mallory").size());
        assertEquals(401, row("bad").lastStatus());
        assertTrue("the next attempt is credentials-retry away", row("bad").nextAttempt() > System.currentTimeMillis() + 500_000);
        assertFalse("never disabled by default", row("bad").disabled());
    }

    @Test
    public void callsGoInAndOutThroughTheRegistrationAndTheProvidersChallengesAreAnswered() throws Exception {
        start(PushgateProcess.freePort(), "routes = prefix:9>trunk1 prefix:8>wrong/trunk1\n");
        assertEquals(0, pushgate.addSubscriber("alice", "pw-alice").exit());
        addRegistration("trunk1", "acme", PASSWORD, 12);
        addRegistration("wrong", "mallory", "not-the-password", 12);
        await("registered", 20, () -> state("trunk1", "registered"));
        await("the second route's first provider refused", 20, () -> state("wrong", "wrong credentials"));
        Baresip alice = keep(new Baresip(work, "alice", "pw-alice", pushgate.uri()));
        alice.awaitRegistered(15);
        Baresip bob = keep(new Baresip(work, "bob", "pw-bob", provider.address()));
        bob.awaitRegistered(15);

        // in: a provider user calls the registration's number, the local user answers, the caller hangs up
        bob.command("dial", "sip:acme@" + provider.address());
        alice.await("CALL_ESTABLISHED", 15);
        bob.await("CALL_ESTABLISHED", 15);
        bob.command("hangup", "");
        alice.await("CALL_CLOSED", 15);
        bob.await("CALL_CLOSED", 15);

        // out: the local user dials 9bob; the provider challenges the INVITE and the BYE, both answered on its leg
        alice.command("dial", "sip:9bob@" + pushgate.uri());
        bob.await("CALL_ESTABLISHED", 15);
        alice.await("CALL_ESTABLISHED", 15);
        alice.command("hangup", "");
        bob.await("CALL_CLOSED", 15);
        alice.await("CALL_CLOSED", 15);
        String log = provider.log();
        assertTrue(log, Pattern.compile("CHALLENGED INVITE ci=\\S+ cs=\\d+ from=sip:acme@").matcher(log).find());
        assertTrue(log, Pattern.compile("AUTHENTICATED INVITE ci=\\S+ cs=\\d+ from=sip:acme@\\S+ to=sip:bob@").matcher(log).find());
        assertTrue("the BYE's challenge answered:\n" + log, log.contains("CHALLENGED BYE") && log.contains("AUTHENTICATED BYE"));

        // failover: the first provider of route 8 refuses the credentials, the second takes the call
        alice.command("dial", "sip:8bob@" + pushgate.uri());
        bob.await("CALL_ESTABLISHED", 20);
        alice.await("CALL_ESTABLISHED", 20);
        alice.command("hangup", "");
        bob.await("CALL_CLOSED", 15);
        assertTrue(provider.log(), Pattern.compile("CHALLENGED INVITE ci=\\S+ cs=\\d+ from=sip:mallory@").matcher(provider.log()).find());

        // a request sent on demand: its final answer printed, exit status 0 for a 2xx only
        PushgateProcess.CommandResult options = pushgate.command("send-request", "OPTIONS", "sip:" + pushgate.uri());
        assertEquals(options.output(), 0, options.exit());
        assertTrue(options.output(), options.output().startsWith("SIP/2.0 200"));
        Path note = Files.writeString(work.resolve("note.txt"), "hello");
        PushgateProcess.CommandResult message = pushgate.command("send-request", "MESSAGE", "sip:nobody@" + provider.address(),
                "--header", "Subject: test", "--body-file", note.toString(), "--content-type", "text/plain");
        assertEquals(message.output(), 1, message.exit());
        assertTrue(message.output(), message.output().startsWith("SIP/2.0 404"));

        // the password never reaches a log or the operator's listings
        String cli = pushgate.command("uac", "list").output() + pushgate.command("uac", "info", "trunk1").output();
        assertTrue(cli, cli.contains("***"));
        assertFalse("password in the CLI output", cli.contains(PASSWORD));
        assertFalse("password in the server log", pushgate.log().contains(PASSWORD));
    }

    /** sipp: receives a request, fails the call unless every regexp matches it; with rrs its Record-Route is kept for the dialog. */
    private static String recvRequest(String method, String... mustMatch) {
        StringBuilder b = new StringBuilder("<recv request=\"" + method + "\" rrs=\"true\"><action>");
        int n = 0;
        for (String re : mustMatch) {
            b.append("<ereg regexp=\"").append(re.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;"))
                    .append("\" search_in=\"msg\" check_it=\"true\" assign_to=\"r").append(method).append(n++).append("\"/>");
        }
        b.append("<ereg regexp=\".*\" search_in=\"hdr\" header=\"From:\" assign_to=\"").append(method.toLowerCase()).append("_from\"/>");
        return b.append("</action></recv>").toString();
    }

    @Test
    public void eachEndSeesFromAndToAsItSentThemWhateverTheOtherEndChanges() throws Exception {
        start(PushgateProcess.freePort(), "routes = prefix:9>trunk1\n");
        assertEquals(0, pushgate.addSubscriber("alice", "pw-alice").exit());
        addRegistration("trunk1", "acme", PASSWORD, 12);
        await("registered", 20, () -> state("trunk1", "registered"));
        String kp = provider.address();
        String q = kp.replace(".", "\\."); // sipp's regexps are POSIX: no \Q...\E, no \d

        // bob, a provider user: registers, takes the call, checks what the provider leg carries, then hangs up with another From
        int bobPort = PushgateProcess.freePort();
        // sipp maps messages to calls by Call-ID: the registration is a run of its own, from the port the UAS then uses
        Sipp.Result registered = Sipp.start(work, Sipp.scenario(
                Sipp.send(Requests.register("bob", 1, "<sip:bob@127.0.0.1:[local_port]>", "600", "")),
                Sipp.recv(401),
                Sipp.send(Requests.register("bob", 2, "<sip:bob@127.0.0.1:[local_port]>", "600", Requests.auth("bob", "pw-bob"))),
                Sipp.recv(200)), kp, bobPort).await();
        assertTrue(registered.messages(), registered.passed());
        Sipp.Running bob = Sipp.start(work, Sipp.scenario(
                recvRequest("INVITE", "From: \"Alice Liddell\" <sip:acme@" + q + ">;tag=", "To: <sip:bob@" + q + ">[^;]", "m=audio"),
                Calls.answerWithSdp(),
                "<recv request=\"ACK\"/>",
                Sipp.pause(300),
                Sipp.send("""
                        BYE sip:acme@%s SIP/2.0
                        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                        [routes]
                        Max-Forwards: 70
                        From: "Someone Else" <sip:bob@elsewhere.example>;tag=[pid]s[call_number]
                        To: [$invite_from]
                        Call-ID: [call_id]
                        CSeq: 1 BYE
                        Content-Length: 0
                        """.formatted(pushgate.uri())),
                Sipp.recv(200)), kp, bobPort);

        // alice, local: her 200 and the BYE that reaches her carry her own From and To, exactly
        String invite = """
                INVITE sip:9bob@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                Max-Forwards: 70
                From: "Alice Liddell" <sip:alice@[remote_ip]>;tag=[pid]c[call_number]
                To: <sip:9bob@[remote_ip]>
                Call-ID: [call_id]
                CSeq: %d INVITE
                Contact: <sip:alice@[local_ip]:[local_port]>
                %s
                Content-Type: application/sdp
                Content-Length: [len]

                """ + Calls.audioSdp("alice");
        String ack = """
                ACK [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                [routes]
                Max-Forwards: 70
                From: "Alice Liddell" <sip:alice@[remote_ip]>;tag=[pid]c[call_number]
                To: <sip:9bob@[remote_ip]>[peer_tag_param]
                Call-ID: [call_id]
                CSeq: 2 ACK
                Content-Length: 0
                """;
        String aliceFrom = "From: \"Alice Liddell\" <sip:alice@127\\.0\\.0\\.1>;tag=[0-9]+c1[^0-9]";
        Sipp.Result alice = Sipp.run(work, Sipp.scenario(
                Sipp.send(invite.formatted(1, "")),
                Sipp.optional(100),
                Sipp.recv(407),
                Sipp.ackNon2xx("sip:9bob@[remote_ip]:[remote_port]"),
                Sipp.send(invite.formatted(2, Requests.auth("alice", "pw-alice"))),
                Sipp.optional(100),
                Sipp.optional(180),
                "<recv response=\"200\" rrs=\"true\"><action>"
                        + "<ereg regexp=\"" + xml(aliceFrom) + "\" search_in=\"msg\" check_it=\"true\" assign_to=\"f1\"/>"
                        + "<ereg regexp=\"" + xml("To: <sip:9bob@127\\.0\\.0\\.1>;tag=") + "\" search_in=\"msg\" check_it=\"true\" assign_to=\"t1\"/>"
                        + "</action></recv>",
                Sipp.sendOnce(ack),
                recvRequest("BYE", "From: <sip:9bob@127\\.0\\.0\\.1>;tag=", "To: \"Alice Liddell\" <sip:alice@127\\.0\\.0\\.1>;tag=[0-9]+c1[^0-9]"),
                Calls.okToLastRequest()), pushgate.uri());
        pushgate.assertPassed(alice);
        Sipp.Result b = bob.await();
        assertTrue("bob failed:\n" + b.messages() + b.output(), b.passed());
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
