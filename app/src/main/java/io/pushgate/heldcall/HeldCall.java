package io.pushgate.heldcall;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * A call this server holds open while a device wakes, kept with the final answer its caller is to
 * get if the server dies meanwhile. The row goes when the call leaves the waiting state.
 */
@Entity
@Table(name = "held_call", indexes = @Index(name = "held_call_node", columnList = "node"))
public class HeldCall {
    @Id
    @Column(length = 36)
    private String id;
    /** The run of the server holding the call (a new one at each start). */
    @Column(length = 36, nullable = false)
    private String node;
    @Column(name = "call_id", length = 256, nullable = false)
    private String callId;
    @Column(length = 256, nullable = false)
    private String aor;
    /** After this the caller has given up anyway: the row is deleted unanswered. */
    @Column(name = "held_until", nullable = false)
    private long heldUntil;
    /** The whole final response, as it would go on the wire. */
    @Column(length = 16000, nullable = false)
    private String answer;

    protected HeldCall() {}

    public HeldCall(String id, String node, String callId, String aor, long heldUntil, String answer) {
        this.id = id;
        this.node = node;
        this.callId = callId;
        this.aor = aor;
        this.heldUntil = heldUntil;
        this.answer = answer;
    }

    public String id() { return id; }
    public String node() { return node; }
    public String callId() { return callId; }
    public String aor() { return aor; }
    public long heldUntil() { return heldUntil; }
    public String answer() { return answer; }
}
