package io.pushgate.gateway;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/** A MESSAGE accepted for a sleeping device, kept until delivered or until it expires. */
@Entity
@Table(name = "stored_message", indexes = @Index(name = "stored_message_aor", columnList = "aor"))
public class StoredMessage {
    @Id
    @Column(length = 36)
    private String id;
    @Column(length = 256, nullable = false)
    private String aor;
    @Column(name = "from_header", length = 1024, nullable = false)
    private String from;
    @Column(name = "to_header", length = 1024, nullable = false)
    private String to;
    @Column(name = "content_type", length = 256)
    private String contentType;
    @Lob
    @Column(length = 65536)
    private byte[] body;
    @Column(name = "expires_at", nullable = false)
    private long expiresAt;

    protected StoredMessage() {}

    public StoredMessage(String id, String aor, String from, String to, String contentType, byte[] body, long expiresAt) {
        this.id = id;
        this.aor = aor;
        this.from = from;
        this.to = to;
        this.contentType = contentType;
        this.body = body;
        this.expiresAt = expiresAt;
    }

    public String id() { return id; }
    public String aor() { return aor; }
    public String from() { return from; }
    public String to() { return to; }
    public String contentType() { return contentType; }
    public byte[] body() { return body; }
    public long expiresAt() { return expiresAt; }
}
