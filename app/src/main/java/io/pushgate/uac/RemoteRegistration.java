package io.pushgate.uac;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One registration of Pushgate with an upstream provider: Kamailio's uacreg columns (so a uacreg
 * table imports as is), what an operator asked for, and the state the server reports (docs/uac.md).
 */
@Entity
@Table(name = "remote_registration")
public class RemoteRegistration {
    /** Flag bit (as in Kamailio's uacreg): the registration is disabled. */
    public static final int DISABLED = 1;

    @Id
    @Column(name = "l_uuid", length = 64)
    private String lUuid;
    @Column(name = "l_username", length = 64, nullable = false)
    private String lUsername;
    @Column(name = "l_domain", length = 128, nullable = false)
    private String lDomain;
    @Column(name = "r_username", length = 64, nullable = false)
    private String rUsername;
    @Column(name = "r_domain", length = 128, nullable = false)
    private String rDomain;
    @Column(name = "realm", length = 128)
    private String realm;
    @Column(name = "auth_username", length = 64)
    private String authUsername;
    @Column(name = "auth_password", length = 64)
    private String authPassword;
    @Column(name = "auth_ha1", length = 128)
    private String authHa1;
    @Column(name = "auth_proxy", length = 255)
    private String authProxy;
    @Column(name = "expires", nullable = false)
    private int expires;
    @Column(name = "flags", nullable = false)
    private int flags;
    @Column(name = "reg_delay", nullable = false)
    private int regDelay;
    @Column(name = "contact_addr", length = 255)
    private String contactAddr;
    @Column(name = "contact_user", length = 64)
    private String contactUser;

    /** An operator's request the server carries out at its next look (register, unregister, remove). */
    @Column(name = "command", length = 16)
    private String command;
    @Column(name = "state", length = 32)
    private String state;
    @Column(name = "last_status", nullable = false)
    private int lastStatus;
    @Column(name = "last_reason", length = 255)
    private String lastReason;
    @Column(name = "attempts", nullable = false)
    private int attempts;
    @Column(name = "last_success", nullable = false)
    private long lastSuccess;
    @Column(name = "next_attempt", nullable = false)
    private long nextAttempt;

    protected RemoteRegistration() {}

    public RemoteRegistration(String lUuid, String lUsername, String lDomain, String rUsername, String rDomain, String realm,
                              String authUsername, String authPassword, String authHa1, String authProxy, int expires, int flags,
                              int regDelay, String contactAddr, String contactUser) {
        this.lUuid = lUuid;
        this.lUsername = lUsername;
        this.lDomain = lDomain;
        this.rUsername = rUsername;
        this.rDomain = rDomain;
        this.realm = realm;
        this.authUsername = authUsername;
        this.authPassword = authPassword;
        this.authHa1 = authHa1;
        this.authProxy = authProxy;
        this.expires = expires;
        this.flags = flags;
        this.regDelay = regDelay;
        this.contactAddr = contactAddr;
        this.contactUser = contactUser;
        this.state = "new";
    }

    public String lUuid() { return lUuid; }
    public String lUsername() { return lUsername; }
    public String lDomain() { return lDomain; }
    public String rUsername() { return rUsername; }
    public String rDomain() { return rDomain; }
    public String realm() { return realm; }
    public String authUsername() { return authUsername == null || authUsername.isEmpty() ? rUsername : authUsername; }
    public String authPassword() { return authPassword; }
    public String authHa1() { return authHa1; }
    public String authProxy() { return authProxy; }
    public int expires() { return expires; }
    public int flags() { return flags; }
    public int regDelay() { return regDelay; }
    public String contactAddr() { return contactAddr; }
    public String contactUser() { return contactUser; }
    public String command() { return command; }
    public String state() { return state; }
    public int lastStatus() { return lastStatus; }
    public String lastReason() { return lastReason; }
    public int attempts() { return attempts; }
    public long lastSuccess() { return lastSuccess; }
    public long nextAttempt() { return nextAttempt; }

    public boolean disabled() { return (flags & DISABLED) != 0; }

    /** auth_proxy as a loose Route header value, or null when requests go straight to r_domain. */
    public String outboundRoute() {
        if (authProxy == null || authProxy.isBlank()) return null;
        String uri = authProxy.startsWith("sip:") || authProxy.startsWith("sips:") ? authProxy.strip() : "sip:" + authProxy.strip();
        return "<" + uri + (uri.contains(";lr") ? "" : ";lr") + ">";
    }

    void setFlags(int flags) { this.flags = flags; }
    void setCommand(String command) { this.command = command; }

    void report(String state, int lastStatus, String lastReason, int attempts, long lastSuccess, long nextAttempt) {
        this.state = state;
        this.lastStatus = lastStatus;
        this.lastReason = lastReason;
        this.attempts = attempts;
        this.lastSuccess = lastSuccess;
        this.nextAttempt = nextAttempt;
    }

    /**
     * What the registration flow is made of: a row whose configuration is unchanged keeps its flow
     * (and Call-ID) across a reload; the operator's command and the reported state are not part of it.
     */
    public String configuration() {
        return String.join("\u0000", lUuid, lUsername, lDomain, rUsername, rDomain, String.valueOf(realm), authUsername(),
                String.valueOf(authPassword), String.valueOf(authHa1), String.valueOf(authProxy), Integer.toString(expires),
                Integer.toString(flags), Integer.toString(regDelay), String.valueOf(contactAddr), String.valueOf(contactUser));
    }
}
