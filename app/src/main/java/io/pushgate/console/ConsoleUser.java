package io.pushgate.console;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Arrays;
import java.util.List;

/** A person who may use the consoles (Pushgate's and the container's), with Tomcat's roles; the password is kept as a PBKDF2 hash. */
@Entity
@Table(name = "console_user")
public class ConsoleUser {
    @Id
    @Column(length = 64)
    private String name;
    @Column(name = "password_hash", length = 256, nullable = false)
    private String passwordHash;
    @Column(length = 512, nullable = false)
    private String roles;
    @Column(name = "created_at", nullable = false)
    private long createdAt;

    protected ConsoleUser() {}

    ConsoleUser(String name, String passwordHash, List<String> roles, long createdAt) {
        this.name = name;
        this.passwordHash = passwordHash;
        this.roles = String.join(",", roles);
        this.createdAt = createdAt;
    }

    public String name() { return name; }
    String passwordHash() { return passwordHash; }
    public List<String> roles() { return roles.isEmpty() ? List.of() : Arrays.asList(roles.split(",")); }
    public long createdAt() { return createdAt; }
}
