package io.pushgate.provisioning;

import io.pushgate.auth.DigestAlgorithm;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import java.util.Optional;

/**
 * The links that get an account into a phone: the sip:carrier launcher link (made from the clear
 * password given at that moment) and the single-use provisioning link, which a Linphone client
 * fetches once to configure itself.
 */
public final class ProvisioningLinks {
    private final ProvisioningSettings settings;
    private final String baseUrl;
    private final String domain;
    private final String proxy;
    private final SubscriberDirectory subscribers;
    private final ProvisioningTokens tokens;

    /**
     * @param baseUrl the public listener's base (settings.publicBaseUrl() when set)
     * @param proxy   the SIP URI phones register at (settings.sipProxy() when set)
     */
    public ProvisioningLinks(ProvisioningSettings settings, String baseUrl, String domain, String proxy, SubscriberDirectory subscribers,
                             ProvisioningTokens tokens) {
        this.settings = settings;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.domain = domain;
        this.proxy = proxy;
        this.subscribers = subscribers;
        this.tokens = tokens;
    }

    public LauncherLink launcherLink(String user, String password) {
        return LauncherLink.of(user, domain, password, settings.launcherKey(), settings.launcherIv(), baseUrl);
    }

    /** A new single-use link to the account's Linphone configuration. */
    public String provisioningUrl(String user) {
        return baseUrl + "/provisioning/" + tokens.create(user, settings.linkLifetimeMinutes() * 60_000L);
    }

    /** The Linphone configuration a valid token stands for; the token is used up. */
    public Optional<String> linphoneConfig(String token) {
        return tokens.use(token).flatMap(subscribers::find).map(this::config);
    }

    private String config(Subscriber s) {
        String ha1 = s.ha1Md5() != null ? s.ha1Md5() : DigestAlgorithm.MD5.ha1(s.username(), s.realm(), s.password());
        return LinphoneConfig.xml(s.username(), "sip:" + s.username() + "@" + domain, proxy, s.realm(), domain, ha1, "MD5",
                settings.registrationExpires());
    }

    public int redirectStatus() { return settings.launcherRedirect(); }

    public String baseUrl() { return baseUrl; }
}
