package io.pushgate.provisioning;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A single-use provisioning link: the SHA-256 of its random token, whose account it provisions, until when. */
@Entity
@Table(name = "provisioning_token")
public class ProvisioningToken {
    @Id
    @Column(name = "token_hash", length = 64)
    private String tokenHash;
    @Column(length = 128, nullable = false)
    private String username;
    @Column(name = "expires_at", nullable = false)
    private long expiresAt;
    /** 0 until the link is used. */
    @Column(name = "used_at", nullable = false)
    private long usedAt;

    protected ProvisioningToken() {}

    ProvisioningToken(String tokenHash, String username, long expiresAt) {
        this.tokenHash = tokenHash;
        this.username = username;
        this.expiresAt = expiresAt;
    }

    String username() { return username; }
}
