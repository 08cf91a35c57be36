package io.pushgate.provisioning;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.pushgate.auth.AuthSettings;
import io.pushgate.auth.FailureThrottle;
import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/** The sign-up page's decisions on an in-memory database, with a recording mailer in place of the SMTP server (SignupTest in itest uses a real one). */
public class SignupTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String[]> sent = new ArrayList<>();
    private boolean mailServerDown;
    private Database db;
    private SubscriberDirectory subscribers;
    private ProvisioningLinks links;
    private SignupChallenge challenge;

    private Signup signup(String extra) {
        ProvisioningSettings settings = ProvisioningSettings.from(Config.parse(
                "[provisioning]\nsignup = true\nsmtp-host = 127.0.0.1\nsmtp-from = signup@example.com\nsignup-per-hour = 4\n" + extra,
                List.of(ProvisioningSettings.SECTION)));
        db = new Database(new DatabaseSettings("jdbc:h2:mem:signup" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 2, 2000, 10),
                List.of(Subscriber.class, ProvisioningToken.class));
        subscribers = new SubscriberDirectory(db, "example.com", AuthSettings.PasswordStorage.HA1, now::get);
        links = new ProvisioningLinks(settings, "https://voip.example.com/pushgate", "example.com", "sip:voip.example.com", subscribers,
                new ProvisioningTokens(db, now::get));
        challenge = new SignupChallenge(now::get);
        Mailer mailer = (to, subject, text) -> {
            if (mailServerDown) throw new Mailer.MailFailure("connection refused", null);
            sent.add(new String[] {to, subject, text});
        };
        return new Signup(settings, new AccountRules(10), subscribers, links, mailer, challenge,
                new FailureThrottle(settings.signupPerHour(), 3600, 3600, now::get), "example.com");
    }

    @After
    public void close() {
        if (db != null) db.close();
    }

    /** A form as a person fills it: the question answered right. */
    private Map<String, String> form(String user, String email, String password) {
        SignupChallenge.Question q = challenge.next();
        Matcher m = Pattern.compile("What is (\\w+) plus (\\w+)\\?").matcher(q.text());
        assertTrue(q.text(), m.matches());
        Map<String, String> f = new HashMap<>();
        f.put("username", user);
        f.put("email", email);
        f.put("password", password);
        f.put("password2", password);
        f.put("token", q.token());
        f.put("answer", Integer.toString(number(m.group(1)) + number(m.group(2))));
        return f;
    }

    private static int number(String word) {
        return List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten").indexOf(word);
    }

    @Test
    public void anAcceptedFormMakesTheAccountAndMailsASingleUseLink() {
        Signup s = signup("");
        Signup.Outcome o = s.submit("192.0.2.1", form("grace", "grace@example.org", "a long secret 42"));
        assertEquals(new Signup.Created("grace"), o);
        Subscriber made = subscribers.find("grace").orElseThrow();
        assertEquals("grace@example.org", made.email());
        assertTrue(subscribers.checkPassword("grace", "a long secret 42"));
        assertEquals(1, sent.size());
        assertEquals("grace@example.org", sent.get(0)[0]);
        String text = sent.get(0)[2];
        assertFalse("the password is not in the mail", text.contains("a long secret 42"));
        assertFalse("no launcher link by default", text.contains("/sipphone?c="));
        Matcher link = Pattern.compile("https://voip\\.example\\.com/pushgate/provisioning/(\\S+)").matcher(text);
        assertTrue(text, link.find());
        assertTrue(links.linphoneConfig(link.group(1)).orElseThrow().contains("grace"));
        assertTrue("used once", links.linphoneConfig(link.group(1)).isEmpty());
    }

    @Test
    public void theLauncherLinkIsMailedWhenChosen() {
        Signup s = signup("signup-links = both\n");
        s.submit("192.0.2.1", form("grace", "grace@example.org", "a long secret 42"));
        String text = sent.get(0)[2];
        assertTrue(text, text.contains("https://voip.example.com/pushgate/sipphone?c=" + links.launcherLink("grace", "a long secret 42").escaped()));
        assertTrue(text, text.contains("/provisioning/"));
    }

    @Test
    public void aBadFormNamesEachFieldAndMakesNothing() {
        Signup s = signup("");
        Map<String, String> f = form("a b", "not-an-address", "short");
        f.put("password2", "other");
        f.put("answer", "99");
        Signup.Outcome o = s.submit("192.0.2.1", f);
        assertTrue(o.toString(), o instanceof Signup.Rejected);
        assertEquals(List.of("username", "password", "email", "password2", "answer").stream().sorted().toList(),
                ((Signup.Rejected) o).problems().keySet().stream().sorted().toList());
        assertEquals(0, subscribers.count());
        assertTrue(sent.isEmpty());
    }

    /** Solved challenges are remembered (to be used once) up to a cap, so a flood of them cannot grow the heap. */
    @Test
    public void rememberedAnswersAreCapped() {
        challenge = new SignupChallenge(now::get);
        for (int i = 0; i < SignupChallenge.MAX_ANSWERED; i++) assertTrue(solve());
        assertFalse("refused while full", solve());
        now.addAndGet(SignupChallenge.LIFETIME_MS + 1);
        assertTrue("room again once the remembered ones expired", solve());
    }

    private boolean solve() {
        SignupChallenge.Question q = challenge.next();
        Matcher m = Pattern.compile("What is (\\w+) plus (\\w+)\\?").matcher(q.text());
        assertTrue(q.text(), m.matches());
        return challenge.check(q.token(), Integer.toString(number(m.group(1)) + number(m.group(2))));
    }

    @Test
    public void theQuestionIsAnsweredOnceAndNotAfterItExpires() {
        Signup s = signup("");
        Map<String, String> f = form("grace", "grace@example.org", "a long secret 42");
        assertTrue(s.submit("192.0.2.1", f) instanceof Signup.Created);
        f.put("username", "grace2");
        Signup.Outcome replay = s.submit("192.0.2.2", f);
        assertTrue(replay.toString(), replay instanceof Signup.Rejected r && r.problems().containsKey("answer"));
        Map<String, String> late = form("henry", "henry@example.org", "a long secret 43");
        now.addAndGet(SignupChallenge.LIFETIME_MS + 1);
        Signup.Outcome expired = s.submit("192.0.2.3", late);
        assertTrue(expired.toString(), expired instanceof Signup.Rejected r && r.problems().containsKey("answer"));
        assertFalse(subscribers.exists("grace2"));
        assertFalse(subscribers.exists("henry"));
    }

    @Test
    public void aTakenNameIsRefused() {
        Signup s = signup("");
        subscribers.add("grace", "another secret 1");
        Signup.Outcome o = s.submit("192.0.2.1", form("grace", "grace@example.org", "a long secret 42"));
        assertTrue(o.toString(), o instanceof Signup.Rejected r && r.problems().containsKey("username"));
        assertTrue("the old password stands", subscribers.checkPassword("grace", "another secret 1"));
    }

    @Test
    public void attemptsFromOneAddressAreBoundedPerHour() {
        Signup s = signup("");
        for (int i = 0; i < 4; i++) assertTrue(s.submit("192.0.2.1", form("a b", "x@example.org", "a long secret 42")) instanceof Signup.Rejected);
        Signup.Outcome limited = s.submit("192.0.2.1", form("grace", "grace@example.org", "a long secret 42"));
        assertTrue(limited.toString(), limited instanceof Signup.Limited l && l.retryAfterSeconds() > 0);
        assertFalse(subscribers.exists("grace"));
        assertTrue("another address is not held back", s.submit("192.0.2.9", form("grace", "grace@example.org", "a long secret 42")) instanceof Signup.Created);
        now.addAndGet(3_600_001);
        assertTrue(s.submit("192.0.2.1", form("henry", "henry@example.org", "a long secret 43")) instanceof Signup.Created);
    }

    @Test
    public void anAccountWhoseMailDidNotGoOutIsTakenBack() {
        Signup s = signup("");
        mailServerDown = true;
        assertTrue(s.submit("192.0.2.1", form("grace", "grace@example.org", "a long secret 42")) instanceof Signup.MailFailed);
        assertFalse(subscribers.exists("grace"));
        mailServerDown = false;
        assertTrue(s.submit("192.0.2.1", form("grace", "grace@example.org", "a long secret 42")) instanceof Signup.Created);
    }

    @Test
    public void signupNeedsAMailServerAndAPasswordFileForSmtpAuth() {
        List<String> broken = List.of("signup = true\nsmtp-from = a@example.com\n", "signup = true\nsmtp-host = h\n",
                "smtp-user = u\n", "smtp-user = u\nsmtp-password-file = /nonexistent/pw\n");
        for (String text : broken) {
            try {
                ProvisioningSettings.from(Config.parse("[provisioning]\n" + text, List.of(ProvisioningSettings.SECTION)));
                throw new AssertionError("accepted: " + text);
            } catch (ConfigException expected) {
                // named by its key
            }
        }
    }
}
