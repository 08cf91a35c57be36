package io.pushgate.api;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A key of the management API: its name, its scope, and a SHA-256 of the key (the key itself is shown once). */
@Entity
@Table(name = "api_key")
public class ApiKey {
    @Id
    @Column(length = 64)
    private String name;
    @Column(length = 16, nullable = false)
    private String scope;
    @Column(name = "key_hash", length = 64, nullable = false, unique = true)
    private String keyHash;
    @Column(name = "created_at", nullable = false)
    private long createdAt;
    /** 0 while the key is valid. */
    @Column(name = "revoked_at", nullable = false)
    private long revokedAt;

    protected ApiKey() {}

    ApiKey(String name, ApiScope scope, String keyHash, long createdAt) {
        this.name = name;
        this.scope = scope.token();
        this.keyHash = keyHash;
        this.createdAt = createdAt;
    }

    public String name() { return name; }
    public ApiScope scope() { return ApiScope.of(scope); }
    public long createdAt() { return createdAt; }
    public long revokedAt() { return revokedAt; }
    public boolean revoked() { return revokedAt != 0; }
    String keyHash() { return keyHash; }

    void revoke(long at) { this.revokedAt = at; }
}
