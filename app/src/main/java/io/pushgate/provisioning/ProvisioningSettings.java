package io.pushgate.provisioning;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The [provisioning] section: launcher and provisioning links, and the sign-up page (docs/provisioning.md). */
public record ProvisioningSettings(String publicBaseUrl, byte[] launcherKey, byte[] launcherIv, int launcherRedirect, int linkLifetimeMinutes,
                                   String sipProxy, int registrationExpires, boolean signup, String smtpHost, int smtpPort, String smtpFrom,
                                   boolean smtpStartTls, String smtpUser, String smtpPassword, SignupLinks signupLinks, int signupPerHour,
                                   int passwordMinLength) {
    /** What the sign-up mail carries. */
    public enum SignupLinks { PROVISIONING, LAUNCHER, BOTH }

    public static final ConfigSection SECTION = new ConfigSection("provisioning",
            "Getting accounts into phones: sip:carrier launcher links, Linphone remote provisioning, QR codes, and the sign-up page.");
    static final ConfigKey<String> BASE_URL = SECTION.string("public-base-url", "",
            "Base of the links handed out (https://voip.example.com/pushgate); empty: http://<[server] http-address>:<http-port>/pushgate.");
    static final ConfigKey<String> LAUNCHER_KEY = SECTION.string("launcher-key", "iBmTdavJ8joPW3HO",
            "AES-128 key of the launcher link, 16 characters; the default is the sip:phone app's. A branded app has its own.");
    static final ConfigKey<String> LAUNCHER_IV = SECTION.string("launcher-iv", "tww21lQe6cmywrp3",
            "AES-128-CBC IV of the launcher link, 16 characters; the default is the sip:phone app's.");
    static final ConfigKey<Integer> REDIRECT = SECTION.integer("launcher-redirect", 301, 301, 302,
            "Status of the /sipphone redirect: 301 as sip:carrier documents, or 302.");
    static final ConfigKey<Integer> LIFETIME = SECTION.integer("link-lifetime", 15, 1, 10080,
            "Minutes a single-use provisioning link stays valid.");
    static final ConfigKey<String> SIP_PROXY = SECTION.string("sip-proxy", "",
            "SIP URI phones are told to register at (sip:host:port;transport=tcp); empty: the first SIP listening address over UDP.");
    static final ConfigKey<Integer> EXPIRES = SECTION.integer("registration-expires", 3600, 60, 86400,
            "Registration expiry written into a provisioned phone's configuration.");
    static final ConfigKey<Boolean> SIGNUP = SECTION.bool("signup", false, "Serve the sign-up page (/signup) on the public listener.");
    static final ConfigKey<String> SMTP_HOST = SECTION.string("smtp-host", "", "SMTP server the sign-up mails go through; required with signup.");
    static final ConfigKey<Integer> SMTP_PORT = SECTION.integer("smtp-port", 25, 1, 65535, "Its port.");
    static final ConfigKey<String> SMTP_FROM = SECTION.string("smtp-from", "", "From address of the sign-up mails; required with signup.");
    static final ConfigKey<Boolean> SMTP_STARTTLS = SECTION.bool("smtp-starttls", false, "Require STARTTLS toward the SMTP server.");
    static final ConfigKey<String> SMTP_USER = SECTION.string("smtp-user", "", "User name for SMTP AUTH; empty: no authentication.");
    static final ConfigKey<String> SMTP_PASSWORD_FILE = SECTION.string("smtp-password-file", "",
            "File holding the SMTP AUTH password (first line), so it is not in this file; required with smtp-user.");
    static final ConfigKey<SignupLinks> SIGNUP_LINKS = SECTION.choice("signup-links", SignupLinks.PROVISIONING, SignupLinks.class,
            "What the sign-up mail carries: the single-use provisioning link, the launcher link (the password, lightly encrypted), or both.");
    static final ConfigKey<Integer> SIGNUP_RATE = SECTION.integer("signup-per-hour", 5, 1, 10000,
            "Sign-ups accepted from one source address per hour.");
    static final ConfigKey<Integer> PASSWORD_MIN = SECTION.integer("password-min-length", 10, 8, 128,
            "Shortest password the sign-up page and the API accept.");

    public static ProvisioningSettings from(Config c) {
        byte[] key = sixteen(c, LAUNCHER_KEY);
        byte[] iv = sixteen(c, LAUNCHER_IV);
        String base = c.get(BASE_URL).trim();
        if (!base.isEmpty() && !base.toLowerCase(Locale.ROOT).matches("https?://\\S+")) {
            throw new ConfigException(BASE_URL.qualifiedName(), "expected an http:// or https:// URL, got " + base);
        }
        String proxy = c.get(SIP_PROXY).trim();
        if (!proxy.isEmpty() && !proxy.matches("sips?:\\S+")) throw new ConfigException(SIP_PROXY.qualifiedName(), "expected a SIP URI, got " + proxy);
        ProvisioningSettings s = new ProvisioningSettings(base, key, iv, c.get(REDIRECT), c.get(LIFETIME), proxy, c.get(EXPIRES), c.get(SIGNUP),
                c.get(SMTP_HOST).trim(), c.get(SMTP_PORT), c.get(SMTP_FROM).trim(), c.get(SMTP_STARTTLS), c.get(SMTP_USER).trim(), smtpPassword(c),
                c.get(SIGNUP_LINKS), c.get(SIGNUP_RATE), c.get(PASSWORD_MIN));
        if (s.signup && s.smtpHost.isEmpty()) throw new ConfigException(SMTP_HOST.qualifiedName(), "required when signup is on");
        if (s.signup && !s.smtpFrom.contains("@")) throw new ConfigException(SMTP_FROM.qualifiedName(), "an e-mail address is required when signup is on");
        return s;
    }

    /** Read here so that a missing or unreadable file stops the server at start, not at the first sign-up. */
    private static String smtpPassword(Config c) {
        String file = c.get(SMTP_PASSWORD_FILE).trim();
        if (file.isEmpty()) {
            if (!c.get(SMTP_USER).isBlank()) throw new ConfigException(SMTP_PASSWORD_FILE.qualifiedName(), "required with smtp-user");
            return "";
        }
        try {
            return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream().findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(SMTP_PASSWORD_FILE.qualifiedName(), "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The password never appears in a printed configuration or log. */
    @Override
    public String toString() {
        return "ProvisioningSettings[signup=" + signup + ", smtp=" + smtpHost + ":" + smtpPort + "]";
    }

    private static byte[] sixteen(Config c, ConfigKey<String> k) {
        byte[] b = c.get(k).getBytes(StandardCharsets.UTF_8);
        if (b.length != 16) throw new ConfigException(k.qualifiedName(), "must be 16 bytes (AES-128), got " + b.length);
        return b;
    }
}
