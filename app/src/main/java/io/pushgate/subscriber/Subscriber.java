package io.pushgate.subscriber;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An account of the local domain. Passwords are kept as HA1 digests unless plaintext storage is chosen. */
@Entity
@Table(name = "subscriber")
public class Subscriber {
    @Id
    @Column(length = 128)
    private String username;
    @Column(length = 128, nullable = false)
    private String realm;
    @Column(name = "ha1_md5", length = 32)
    private String ha1Md5;
    @Column(name = "ha1_sha256", length = 64)
    private String ha1Sha256;
    /** Set only with auth.password-storage = plaintext. */
    @Column(length = 256)
    private String password;
    @Column(name = "created_at", nullable = false)
    private long createdAt;
    /** Set by the operator: calls go to the push application server even with no push device known. Nullable, so older tables take the column. */
    @Column(name = "push_marked")
    private Boolean pushMarked;
    /** Where the account's owner is reached (given at sign-up or through the API); nullable like push_marked. */
    @Column(length = 254)
    private String email;

    protected Subscriber() {}

    public Subscriber(String username, String realm, String ha1Md5, String ha1Sha256, String password, long createdAt) {
        this.username = username;
        this.realm = realm;
        this.ha1Md5 = ha1Md5;
        this.ha1Sha256 = ha1Sha256;
        this.password = password;
        this.createdAt = createdAt;
    }

    public String username() { return username; }
    public String realm() { return realm; }
    public String ha1Md5() { return ha1Md5; }
    public String ha1Sha256() { return ha1Sha256; }
    public String password() { return password; }
    public long createdAt() { return createdAt; }
    public boolean pushMarked() { return Boolean.TRUE.equals(pushMarked); }
    public void markForPush(boolean on) { this.pushMarked = on; }
    public String email() { return email; }
    public void setEmail(String email) { this.email = email; }

    public void setCredentials(String realm, String ha1Md5, String ha1Sha256, String password) {
        this.realm = realm;
        this.ha1Md5 = ha1Md5;
        this.ha1Sha256 = ha1Sha256;
        this.password = password;
    }
}
