package io.pushgate.uac;

import io.pushgate.store.Database;
import java.util.List;
import java.util.Optional;

/**
 * The remote_registration table, shared by the operator's commands (CLI) and the servers that run
 * the registrations: operators write rows and commands, a server reads them every poll-interval
 * and writes back the state it reached.
 */
public final class RemoteRegistrationTable {
    /** Operator commands a server carries out (column "command"). */
    public static final String REGISTER = "register";
    public static final String UNREGISTER = "unregister";
    public static final String REMOVE = "remove";

    private final Database db;

    public RemoteRegistrationTable(Database db) {
        this.db = db;
    }

    public List<RemoteRegistration> list() {
        return db.inTransaction(s -> s.createSelectionQuery("from RemoteRegistration order by lUuid", RemoteRegistration.class).getResultList());
    }

    public Optional<RemoteRegistration> find(String lUuid) {
        return Optional.ofNullable(db.inTransaction(s -> s.get(RemoteRegistration.class, lUuid)));
    }

    /** Adds a row; false when its l_uuid exists already. Throws IllegalArgumentException naming a bad column. */
    public boolean add(RemoteRegistration r) {
        validate(r);
        return db.inTransaction(s -> {
            if (s.get(RemoteRegistration.class, r.lUuid()) != null) return false;
            s.persist(r);
            return true;
        });
    }

    static void validate(RemoteRegistration r) {
        if (r.lUuid() == null || !r.lUuid().matches("[A-Za-z0-9._-]{1,64}")) throw new IllegalArgumentException("l_uuid: 1 to 64 of A-Z a-z 0-9 . _ -");
        need("l_username", r.lUsername());
        need("l_domain", r.lDomain());
        need("r_username", r.rUsername());
        need("r_domain", r.rDomain());
        if (r.expires() <= 0) throw new IllegalArgumentException("expires: must be positive");
        if (r.regDelay() < 0) throw new IllegalArgumentException("reg_delay: must not be negative");
    }

    private static void need(String column, String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(column + ": required");
    }

    /** Sets or clears the disabled flag; the server unregisters or registers at its next look. False when there is no such row. */
    public boolean setDisabled(String lUuid, boolean disabled) {
        return db.inTransaction(s -> {
            RemoteRegistration r = s.get(RemoteRegistration.class, lUuid);
            if (r == null) return false;
            r.setFlags(disabled ? r.flags() | RemoteRegistration.DISABLED : r.flags() & ~RemoteRegistration.DISABLED);
            return true;
        });
    }

    /** Leaves a command for the server (register, unregister, remove). False when there is no such row. */
    public boolean command(String lUuid, String command) {
        return db.inTransaction(s -> {
            RemoteRegistration r = s.get(RemoteRegistration.class, lUuid);
            if (r == null) return false;
            r.setCommand(command);
            return true;
        });
    }

    /** The server took the command. */
    void commandDone(String lUuid, String command) {
        db.inTransaction(s -> {
            RemoteRegistration r = s.get(RemoteRegistration.class, lUuid);
            if (r != null && command.equals(r.command())) r.setCommand(null);
            return null;
        });
    }

    void delete(String lUuid) {
        db.inTransaction(s -> {
            RemoteRegistration r = s.get(RemoteRegistration.class, lUuid);
            if (r != null) s.remove(r);
            return null;
        });
    }

    /** What a server reports of one registration, for list and info. */
    void report(String lUuid, String state, int lastStatus, String lastReason, int attempts, long lastSuccess, long nextAttempt) {
        db.inTransaction(s -> {
            RemoteRegistration r = s.get(RemoteRegistration.class, lUuid);
            if (r != null) r.report(state, lastStatus, lastReason, attempts, lastSuccess, nextAttempt);
            return null;
        });
    }
}
