package io.pushgate.wakeup;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One wake-up push taken by one server of several on a database: the first to insert it sends it. */
@Entity
@Table(name = "wake_up_claim")
public class WakeUpClaim {
    @Id
    @Column(length = 300)
    private String id;
    /** The binding's expiry: after it the claim is of no use. */
    @Column(name = "expires_at", nullable = false)
    private long expiresAt;

    protected WakeUpClaim() {}

    WakeUpClaim(String id, long expiresAt) {
        this.id = id;
        this.expiresAt = expiresAt;
    }
}
