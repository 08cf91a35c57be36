package io.pushgate.provisioning;

import io.pushgate.auth.FailureThrottle;
import io.pushgate.subscriber.SubscriberDirectory;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sign-up page's work, without the servlet: check the form, make the account, mail its link.
 * An account whose mail did not go out is taken back, so a failed sign-up can be tried again under
 * the same name. The log names the user and the source, never the password, address or link.
 */
public final class Signup {
    private static final Logger log = LoggerFactory.getLogger(Signup.class);

    private final ProvisioningSettings settings;
    private final AccountRules rules;
    private final SubscriberDirectory subscribers;
    private final ProvisioningLinks links;
    private final Mailer mailer;
    private final SignupChallenge challenge;
    /** Every attempt counts, accepted or not, so the limit also bounds guessing at the question. */
    private final FailureThrottle attempts;
    private final String domain;

    public sealed interface Outcome {}
    /** The account exists and its mail went out. */
    public record Created(String username) implements Outcome {}
    /** Field name -> what is wrong; the account was not made. */
    public record Rejected(Map<String, String> problems) implements Outcome {}
    public record Limited(long retryAfterSeconds) implements Outcome {}
    /** The mail server did not take the mail; the account was taken back. */
    public record MailFailed() implements Outcome {}

    public Signup(ProvisioningSettings settings, AccountRules rules, SubscriberDirectory subscribers, ProvisioningLinks links, Mailer mailer,
                  SignupChallenge challenge, FailureThrottle attempts, String domain) {
        this.settings = settings;
        this.rules = rules;
        this.subscribers = subscribers;
        this.links = links;
        this.mailer = mailer;
        this.challenge = challenge;
        this.attempts = attempts;
        this.domain = domain;
    }

    public SignupChallenge.Question question() {
        return challenge.next();
    }

    public String domain() { return domain; }

    /** One submitted form: username, email, password, password2, token, answer. */
    public Outcome submit(String source, Map<String, String> form) {
        long locked = attempts.lockedFor(source);
        if (locked > 0) return new Limited(locked);
        attempts.failed(source);
        String user = form.get("username");
        String password = form.get("password");
        String email = blankToNull(form.get("email"));
        Map<String, String> problems = rules.problems(user, password, email, true);
        if (password != null && !password.equals(form.get("password2"))) problems.putIfAbsent("password2", "the two passwords differ");
        if (!challenge.check(form.get("token"), form.get("answer"))) problems.put("answer", "wrong or expired; answer the new question");
        if (!problems.isEmpty()) return new Rejected(problems);
        if (!subscribers.add(user, password, false, email)) return new Rejected(Map.of("username", "taken; choose another"));
        try {
            mailer.send(email, "Your SIP account " + user + "@" + domain, mail(user, password));
        } catch (Mailer.MailFailure e) {
            subscribers.remove(user);
            // a refusing server may quote the address; it stays out of the log
            log.warn("sign-up of {} from {} taken back: the mail was not sent: {}", user, source,
                    String.valueOf(e.getMessage()).replaceAll("\\S+@\\S+", "<address>"));
            return new MailFailed();
        }
        log.info("sign-up of {} from {}", user, source);
        return new Created(user);
    }

    private String mail(String user, String password) {
        StringBuilder b = new StringBuilder();
        b.append("Hello ").append(user).append(",\n\nyour SIP account ").append(user).append('@').append(domain).append(" is ready.\n\n");
        if (settings.signupLinks() != ProvisioningSettings.SignupLinks.LAUNCHER) {
            b.append("To set up Linphone, open this link on your phone within ").append(settings.linkLifetimeMinutes())
                    .append(" minutes; it works once:\n").append(links.provisioningUrl(user)).append("\n\n");
        }
        if (settings.signupLinks() != ProvisioningSettings.SignupLinks.PROVISIONING) {
            b.append("To set up the sip:phone app, open this link on your phone:\n").append(links.launcherLink(user, password).url()).append("\n\n");
        }
        b.append("If you did not sign up, you can ignore this mail.\n");
        return b.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
