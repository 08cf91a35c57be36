package io.pushgate.provisioning;

import jakarta.activation.DataHandler;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

/** Mail through the configured SMTP server ([provisioning] smtp-*), with Jakarta Mail (Eclipse Angus). */
public final class SmtpMailer implements Mailer {
    private static final String TIMEOUT_MS = "10000";
    private final Session session;
    private final String from;

    public SmtpMailer(ProvisioningSettings s) {
        Properties p = new Properties();
        p.put("mail.smtp.host", s.smtpHost());
        p.put("mail.smtp.port", Integer.toString(s.smtpPort()));
        p.put("mail.smtp.connectiontimeout", TIMEOUT_MS);
        p.put("mail.smtp.timeout", TIMEOUT_MS);
        p.put("mail.smtp.writetimeout", TIMEOUT_MS);
        if (s.smtpStartTls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        Authenticator auth = null;
        if (!s.smtpUser().isEmpty()) {
            p.put("mail.smtp.auth", "true");
            PasswordAuthentication credentials = new PasswordAuthentication(s.smtpUser(), s.smtpPassword());
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return credentials;
                }
            };
        }
        this.session = Session.getInstance(p, auth);
        this.from = s.smtpFrom();
    }

    @Override
    public void send(String to, String subject, String text) throws MailFailure {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(from, true));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            m.setSubject(subject, StandardCharsets.UTF_8.name());
            m.setSentDate(new Date());
            // the body as a data source: Jakarta Activation then needs no content handler, and the
            // launcher's class path has an old javax.mail whose mailcap would name one of its own
            m.setDataHandler(new DataHandler(new ByteArrayDataSource(text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=UTF-8")));
            Transport.send(m);
        } catch (MessagingException | RuntimeException e) {
            throw new MailFailure(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
