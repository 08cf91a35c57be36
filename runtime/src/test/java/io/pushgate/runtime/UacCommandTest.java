package io.pushgate.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The operator's remote registration commands against a database of their own. */
public class UacCommandTest {
    @Rule public final TemporaryFolder tmp = new TemporaryFolder();

    private Path config;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Before
    public void database() throws Exception {
        Path dir = tmp.newFolder().toPath();
        config = dir.resolve("pushgate.ini");
        Files.writeString(config, "[database]\nurl = jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0\n");
    }

    private int run(String stdin, String... args) {
        out.reset();
        err.reset();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = config.toString();
        return Launcher.run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true),
                new PrintStream(err, true));
    }

    @Test
    public void aRegistrationIsAddedWithItsPasswordFromStandardInputAndNeverShown() {
        assertEquals(err.toString(), 0, run("t0p-secret\n", "uac", "add", "--l-uuid", "trunk1", "--l-username", "alice", "--l-domain",
                "example.com", "--r-username", "4930123", "--r-domain", "sip.provider.example", "--expires", "600"));
        assertEquals(0, run("", "uac", "list"));
        assertTrue(out.toString(), out.toString().startsWith("trunk1\talice@example.com\t4930123@sip.provider.example\tnew"));
        assertTrue(out.toString().contains("password ***"));
        assertEquals(0, run("", "uac", "info", "trunk1"));
        assertTrue(out.toString(), out.toString().contains("auth_password: ***"));
        assertFalse("the password is never printed", out.toString().contains("t0p-secret"));
        assertEquals("taken once only", 1, run("again\n", "uac", "add", "--l-uuid", "trunk1", "--l-username", "a", "--l-domain", "d",
                "--r-username", "r", "--r-domain", "p"));
    }

    @Test
    public void aPasswordOnTheCommandLineIsRefused() {
        assertEquals(2, run("", "uac", "add", "--l-uuid", "t", "--auth-password", "visible-in-ps"));
        assertTrue(err.toString(), err.toString().contains("never taken on the command line"));
    }

    @Test
    public void commandsAreLeftForTheServerAndDisablingSetsTheFlag() {
        run("pw\n", "uac", "add", "--l-uuid", "t1", "--l-username", "a", "--l-domain", "d", "--r-username", "r", "--r-domain", "p");
        assertEquals(0, run("", "uac", "disable", "t1"));
        run("", "uac", "info", "t1");
        assertTrue(out.toString(), out.toString().contains("flags: 1 (disabled)"));
        assertEquals(0, run("", "uac", "register", "t1"));
        run("", "uac", "list");
        assertTrue(out.toString(), out.toString().contains("register pending"));
        assertEquals(1, run("", "uac", "remove", "nope"));
    }

    @Test
    public void aKamailioUacregExportImportsRowByRowAndReportsTheBadOnes() throws Exception {
        Path csv = Files.createTempFile(tmp.getRoot().toPath(), "uacreg", ".csv");
        Files.writeString(csv, """
                id,l_uuid,l_username,l_domain,r_username,r_domain,realm,auth_username,auth_password,auth_ha1,auth_proxy,expires,flags,reg_delay,contact_addr,socket
                1,line1,alice,example.com,4930123,sip.provider.example,sip.provider.example,4930123,"pa,ss",,sip:proxy.provider.example,600,0,5,\\N,udp:10.0.0.1:5060
                2,line2,bob,example.com,4930124,,,,x,,,600,1,0,,
                3,line3,carol,example.com,4930125,sip.provider.example,,,,0123456789abcdef0123456789abcdef,,300,1,0,203.0.113.10:5060,
                """);
        assertEquals(1, run("", "uac", "import", csv.toString()));
        assertTrue(out.toString(), out.toString().contains("imported 2 of 3"));
        assertTrue(err.toString(), err.toString().contains("line 3: r_domain: required"));
        run("", "uac", "info", "line1");
        assertTrue(out.toString(), out.toString().contains("auth_proxy: sip:proxy.provider.example") && out.toString().contains("reg_delay: 5"));
        run("", "uac", "info", "line3");
        assertTrue(out.toString(), out.toString().contains("auth_ha1: ***") && out.toString().contains("flags: 1 (disabled)")
                && out.toString().contains("203.0.113.10:5060"));
    }

    @Test
    public void csvFieldsMayBeQuoted() {
        assertEquals(java.util.List.of("a", "b,c", "d\"e", ""), UacCommand.csv("a,\"b,c\",\"d\"\"e\","));
    }
}
