package io.pushgate.pushserver;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * A device of a user that registered with push parameters. It outlives the binding: when the
 * binding has expired (the app sleeps), this is what tells the proxy the user can still be woken.
 */
@Entity
@Table(name = "push_device", indexes = @Index(name = "push_device_aor", columnList = "aor"))
public class PushDevice {
    /** The id of the binding it came from, so a device re-registering updates its row. */
    @Id
    @Column(length = 64)
    private String id;
    @Column(length = 256, nullable = false)
    private String aor;
    @Column(name = "contact_uri", length = 4096, nullable = false)
    private String contactUri;
    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    protected PushDevice() {}

    public PushDevice(String id, String aor, String contactUri, long updatedAt) {
        this.id = id;
        this.aor = aor;
        this.contactUri = contactUri;
        this.updatedAt = updatedAt;
    }

    public String id() { return id; }
    public String aor() { return aor; }
    public String contactUri() { return contactUri; }
    public long updatedAt() { return updatedAt; }
}
