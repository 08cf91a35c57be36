package io.pushgate.routing;

import io.pushgate.store.Database;
import io.pushgate.store.TableCache;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/** The alias table, read through a cache kept until the table changes, like the subscriber directory. */
public final class AliasTable {
    private final Database db;
    private final TableCache<String, Alias> cache;

    public AliasTable(Database db, LongSupplier clock) {
        this.db = db;
        this.cache = new TableCache<>(db, "alias", 200_000, clock);
    }

    public Optional<Alias> find(String name) {
        return cache.get(name, n -> db.inTransaction(s -> s.get(Alias.class, n)));
    }

    /** Adds or replaces an alias. The target is a local user name or a sip:/sips: URI. */
    public void put(String name, String target) {
        if (name == null || !name.matches("[A-Za-z0-9._~+-]{1,64}")) throw new IllegalArgumentException("alias must be 1 to 64 of A-Z a-z 0-9 . _ ~ + -");
        if (target == null || target.isBlank()) throw new IllegalArgumentException("target must not be empty");
        db.inTransaction(s -> {
            s.merge(new Alias(name, target.strip()));
            cache.changed(s);
            return null;
        });
        cache.forget(name);
    }

    public boolean remove(String name) {
        boolean removed = db.inTransaction(s -> {
            Alias a = s.get(Alias.class, name);
            if (a == null) return false;
            s.remove(a);
            cache.changed(s);
            return true;
        });
        cache.forget(name);
        return removed;
    }

    /** The aliases that stand for a local user. */
    public List<Alias> of(String user) {
        return db.inTransaction(s -> s.createSelectionQuery("from Alias where target = :t order by name", Alias.class).setParameter("t", user).getResultList());
    }

    /** Deletes a user's aliases within the caller's transaction (the user goes); call {@link #forgetAll} once it committed. */
    public int deleteOfIn(org.hibernate.Session s, String user) {
        int n = s.createMutationQuery("delete from Alias where target = :t").setParameter("t", user).executeUpdate();
        if (n > 0) cache.changed(s);
        return n;
    }

    public void forgetAll() {
        cache.clear();
    }

    public List<Alias> list() {
        return db.inTransaction(s -> s.createSelectionQuery("from Alias order by name", Alias.class).getResultList());
    }
}
