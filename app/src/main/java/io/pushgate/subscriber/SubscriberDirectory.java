package io.pushgate.subscriber;

import io.pushgate.auth.AuthSettings;
import io.pushgate.auth.DigestAlgorithm;
import io.pushgate.store.Database;
import io.pushgate.store.TableCache;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The accounts of the local domain. Reads are cached until the table changes ({@link TableCache}),
 * so a REGISTER does not read the database; changes made by the CLI or another server on the same
 * database are seen within {@link TableCache#CHECK_MS}.
 */
public final class SubscriberDirectory {
    private final Database db;
    private final String realm;
    private final AuthSettings.PasswordStorage storage;
    private final LongSupplier clock;
    private final TableCache<String, Subscriber> cache;

    public SubscriberDirectory(Database db, String realm, AuthSettings.PasswordStorage storage, LongSupplier clock) {
        this.db = db;
        this.realm = realm;
        this.storage = storage;
        this.clock = clock;
        this.cache = new TableCache<>(db, "subscriber", 200_000, clock);
    }

    public Optional<Subscriber> find(String username) {
        return cache.get(username, name -> db.inTransaction(session -> session.get(Subscriber.class, name)));
    }

    public boolean exists(String username) {
        return find(username).isPresent();
    }

    /** Creates an account; false when the name is taken. */
    public boolean add(String username, String password) {
        return add(username, password, false, null);
    }

    /** Creates an account with its push mark and e-mail address in one transaction; false when the name is taken. */
    public boolean add(String username, String password, boolean push, String email) {
        validateName(username);
        boolean created = db.inTransaction(session -> {
            if (!createIfAbsent(session, username, password)) return false;
            Subscriber s = session.get(Subscriber.class, username);
            s.markForPush(push);
            s.setEmail(email);
            return true;
        });
        cache.forget(username);
        return created;
    }

    /** Adds many accounts (name, password) in batches; existing names are left alone. Returns how many were added. */
    public int importAll(List<String[]> accounts) {
        int added = 0;
        for (int from = 0; from < accounts.size(); from += 1000) {
            List<String[]> batch = accounts.subList(from, Math.min(accounts.size(), from + 1000));
            for (String[] a : batch) validateName(a[0]);
            added += db.inTransaction(session -> {
                int n = 0;
                for (String[] a : batch) if (createIfAbsent(session, a[0], a[1])) n++;
                return n;
            });
            for (String[] a : batch) cache.forget(a[0]);
        }
        return added;
    }

    private boolean createIfAbsent(org.hibernate.Session session, String username, String password) {
        if (session.get(Subscriber.class, username) != null) return false;
        Subscriber s = new Subscriber(username, realm, null, null, null, clock.getAsLong());
        setPassword(s, username, password);
        session.persist(s);
        cache.changed(session);
        return true;
    }

    public boolean changePassword(String username, String password) {
        boolean changed = db.inTransaction(session -> {
            Subscriber s = session.get(Subscriber.class, username);
            if (s == null) return false;
            setPassword(s, username, password);
            cache.changed(session);
            return true;
        });
        cache.forget(username);
        return changed;
    }

    /** Marks (or unmarks) a user whose calls go to the push application server when it has no live binding. */
    public boolean markForPush(String username, boolean on) {
        boolean changed = db.inTransaction(session -> {
            Subscriber s = session.get(Subscriber.class, username);
            if (s == null) return false;
            s.markForPush(on);
            cache.changed(session);
            return true;
        });
        cache.forget(username);
        return changed;
    }

    /** Changes what is given (a new password, the push mark, the e-mail address; null leaves it) in one transaction; false when there is no such account. */
    public boolean update(String username, String password, Boolean push, String email) {
        boolean changed = db.inTransaction(session -> {
            Subscriber s = session.get(Subscriber.class, username);
            if (s == null) return false;
            if (password != null) setPassword(s, username, password);
            if (push != null) s.markForPush(push);
            if (email != null) s.setEmail(email.isEmpty() ? null : email);
            cache.changed(session);
            return true;
        });
        cache.forget(username);
        return changed;
    }

    /**
     * Deletes the account within the caller's transaction, so that what goes with it (bindings,
     * aliases) goes in the same one; call {@link #forget} once it committed. False when there is none.
     */
    public boolean deleteIn(org.hibernate.Session session, String username) {
        Subscriber s = session.get(Subscriber.class, username);
        if (s == null) return false;
        session.remove(s);
        cache.changed(session);
        return true;
    }

    public void forget(String username) {
        cache.forget(username);
    }

    /** A page of accounts in name order, and how many there are. */
    public List<Subscriber> page(int offset, int limit) {
        return db.inTransaction(session -> session.createSelectionQuery("from Subscriber order by username", Subscriber.class)
                .setFirstResult(offset).setMaxResults(limit).getResultList());
    }

    public long count() {
        return db.inTransaction(session -> session.createSelectionQuery("select count(*) from Subscriber", Long.class).getSingleResult());
    }

    /** Whether a clear password is this account's (checked against its stored digest). */
    public boolean checkPassword(String username, String password) {
        return find(username).map(s -> {
            String ha1 = ha1(s, DigestAlgorithm.MD5, realm);
            return ha1 != null && java.security.MessageDigest.isEqual(ha1.getBytes(), DigestAlgorithm.MD5.ha1(username, realm, password).getBytes());
        }).orElse(false);
    }

    public boolean remove(String username) {
        boolean removed = db.inTransaction(session -> {
            Subscriber s = session.get(Subscriber.class, username);
            if (s == null) return false;
            session.remove(s);
            cache.changed(session);
            return true;
        });
        cache.forget(username);
        return removed;
    }

    public List<Subscriber> list() {
        return db.inTransaction(session ->
                session.createSelectionQuery("from Subscriber order by username", Subscriber.class).getResultList());
    }

    /** HA1 for the algorithm, from the stored digest or from a plaintext password; null when neither is known. */
    public static String ha1(Subscriber s, DigestAlgorithm alg, String realm) {
        if (s.password() != null) return alg.ha1(s.username(), realm, s.password());
        if (!realm.equals(s.realm())) return null;
        return alg == DigestAlgorithm.MD5 ? s.ha1Md5() : s.ha1Sha256();
    }

    private void setPassword(Subscriber s, String username, String password) {
        if (password == null || password.isEmpty()) throw new IllegalArgumentException("password must not be empty");
        if (storage == AuthSettings.PasswordStorage.PLAINTEXT) {
            s.setCredentials(realm, null, null, password);
        } else {
            s.setCredentials(realm, DigestAlgorithm.MD5.ha1(username, realm, password),
                    DigestAlgorithm.SHA_256.ha1(username, realm, password), null);
        }
    }

    /** User names are SIP user parts: unreserved characters only, so they need no escaping. */
    static void validateName(String username) {
        if (username == null || !username.matches("[A-Za-z0-9._~+-]{1,64}")) {
            throw new IllegalArgumentException("user name must be 1 to 64 of A-Z a-z 0-9 . _ ~ + -");
        }
    }
}
