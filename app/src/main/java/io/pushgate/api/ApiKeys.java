package io.pushgate.api;

import io.pushgate.auth.DigestAlgorithm;
import io.pushgate.store.Database;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The API keys (api_key table). A key is 32 random bytes, shown once when created and kept only
 * as its SHA-256: a key this long needs no slow hash, and a stolen table gives no key.
 */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Keys start with this, so that one found in a file or a log is recognised for what it is. */
    static final String PREFIX = "pgk_";

    private final Database db;
    private final LongSupplier clock;

    public ApiKeys(Database db, LongSupplier clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Creates a key and returns it; the only time it is seen. IllegalArgumentException for a bad or taken name. */
    public String add(String name, ApiScope scope) {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) throw new IllegalArgumentException("name: 1 to 64 of A-Z a-z 0-9 . _ -");
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        boolean added = db.inTransaction(s -> {
            if (s.get(ApiKey.class, name) != null) return false;
            s.persist(new ApiKey(name, scope, hash(key), clock.getAsLong()));
            return true;
        });
        if (!added) throw new IllegalArgumentException("an API key named " + name + " exists already");
        return key;
    }

    /** Revokes a key; false when there is none of that name. */
    public boolean revoke(String name) {
        return db.inTransaction(s -> {
            ApiKey k = s.get(ApiKey.class, name);
            if (k == null) return false;
            if (!k.revoked()) k.revoke(clock.getAsLong());
            return true;
        });
    }

    public List<ApiKey> list() {
        return db.inTransaction(s -> s.createSelectionQuery("from ApiKey order by name", ApiKey.class).getResultList());
    }

    /** The valid key a request presents, or empty for a missing, unknown or revoked one. */
    public Optional<ApiKey> verify(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 200) return Optional.empty();
        String h = hash(presented);
        return db.inTransaction(s -> s.createSelectionQuery("from ApiKey where keyHash = :h", ApiKey.class).setParameter("h", h)
                .getResultList().stream().filter(k -> !k.revoked()).findFirst());
    }

    static String hash(String key) {
        return DigestAlgorithm.SHA_256.hash(key);
    }
}
