package io.pushgate.provisioning;

/** Sends one plain-text mail; fails with the reason when the mail server did not take it. */
public interface Mailer {
    void send(String to, String subject, String text) throws MailFailure;

    final class MailFailure extends Exception {
        public MailFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
