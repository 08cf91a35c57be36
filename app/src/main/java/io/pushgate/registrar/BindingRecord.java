package io.pushgate.registrar;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.util.List;

/**
 * One registered contact of an address-of-record. The contact URI is kept exactly as the device
 * sent it, every parameter included; only host and port may have been replaced for NAT.
 * Instances are never changed after they are stored: an update stores a new one.
 */
@Entity
@Table(name = "binding", indexes = @Index(name = "binding_aor", columnList = "aor"))
public class BindingRecord {
    /** Hash of aor and binding key, so a refresh replaces the row. */
    @Id
    @Column(length = 64)
    private String id;
    @Column(length = 256, nullable = false)
    private String aor;
    @Column(name = "contact_uri", length = 4096, nullable = false)
    private String contactUri;
    /** Contact header parameters other than expires and q, as ";name=value" text. */
    @Column(name = "header_params", length = 2048)
    private String headerParams;
    @Column(name = "instance_id", length = 256)
    private String instanceId;
    @Column(name = "reg_id")
    private int regId;
    @Column(name = "q_milli")
    private int qMilli;
    @Column(name = "expires_at", nullable = false)
    private long expiresAt;
    @Column(name = "call_id", length = 256, nullable = false)
    private String callId;
    @Column(nullable = false)
    private long cseq;
    /** Path header values, newline separated (RFC 3327). */
    @Column(length = 4096)
    private String path;
    /** Where the REGISTER came from: transport:address:port. */
    @Column(length = 128)
    private String source;
    /** The observed address:port when it differs from the contact's (NAT); requests are sent there. */
    @Column(length = 128)
    private String received;
    @Column(name = "user_agent", length = 256)
    private String userAgent;
    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    protected BindingRecord() {}

    public BindingRecord(String id, String aor, String contactUri, String headerParams, String instanceId, int regId,
                         int qMilli, long expiresAt, String callId, long cseq, String path, String source,
                         String received, String userAgent, long updatedAt) {
        this.id = id;
        this.aor = aor;
        this.contactUri = contactUri;
        this.headerParams = headerParams;
        this.instanceId = instanceId;
        this.regId = regId;
        this.qMilli = qMilli;
        this.expiresAt = expiresAt;
        this.callId = callId;
        this.cseq = cseq;
        this.path = path;
        this.source = source;
        this.received = received;
        this.userAgent = userAgent;
        this.updatedAt = updatedAt;
    }

    /** The same binding with another expiry (the push gateway learns it from the backend's 200). */
    public BindingRecord withExpiry(long newExpiresAt) {
        return new BindingRecord(id, aor, contactUri, headerParams, instanceId, regId, qMilli, newExpiresAt, callId, cseq,
                path, source, received, userAgent, updatedAt);
    }

    public String id() { return id; }
    public String aor() { return aor; }
    public String contactUri() { return contactUri; }
    public String headerParams() { return headerParams == null ? "" : headerParams; }
    public String instanceId() { return instanceId; }
    public int regId() { return regId; }
    public int qMilli() { return qMilli; }
    public long expiresAt() { return expiresAt; }
    public String callId() { return callId; }
    public long cseq() { return cseq; }
    public String source() { return source; }
    public String received() { return received; }
    public String userAgent() { return userAgent; }
    public long updatedAt() { return updatedAt; }

    /** The transport the REGISTER came over (udp, tcp, tls, ws, wss), or null when unknown. */
    public String sourceTransport() {
        return source == null || source.indexOf(':') < 0 ? null : source.substring(0, source.indexOf(':'));
    }

    /** True when the device registered over a WebSocket (RFC 7118): it is reachable only over that connection. */
    public boolean viaWebSocket() {
        String t = sourceTransport();
        return t != null && t.startsWith("ws");
    }

    public List<String> path() {
        return path == null || path.isEmpty() ? List.of() : List.of(path.split("\n"));
    }

    public long remainingSeconds(long now) {
        return Math.max(0, (expiresAt - now + 999) / 1000);
    }
}
