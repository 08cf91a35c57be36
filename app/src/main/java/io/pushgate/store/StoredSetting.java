package io.pushgate.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A value generated once per installation and kept with the data it belongs to (the masquerading key). */
@Entity
@Table(name = "stored_setting")
public class StoredSetting {
    @Id
    @Column(length = 64)
    private String name;
    @Column(name = "setting_value", length = 1024, nullable = false)
    private String value;

    protected StoredSetting() {}

    public StoredSetting(String name, String value) {
        this.name = name;
        this.value = value;
    }

    public String value() { return value; }

    /**
     * The stored value of {@code name}, created from {@code initial} on first use. When two servers
     * on one database create it at once, the second's insert fails and it reads the first's.
     */
    public static String getOrCreate(Database db, String name, java.util.function.Supplier<String> initial) {
        try {
            return findOrCreate(db, name, initial);
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            return findOrCreate(db, name, initial);
        }
    }

    private static String findOrCreate(Database db, String name, java.util.function.Supplier<String> initial) {
        return db.inTransaction(s -> {
            StoredSetting found = s.find(StoredSetting.class, name);
            if (found != null) return found.value;
            StoredSetting created = new StoredSetting(name, initial.get());
            s.persist(created);
            return created.value;
        });
    }
}
