package io.pushgate.provisioning;

import io.pushgate.auth.DigestAlgorithm;
import io.pushgate.store.Database;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Expiring single-use provisioning links (provisioning_token table). The token is 32 random bytes
 * in the URL and only its SHA-256 in the table; using it and checking it are one conditional
 * update, so two requests racing for one link get it once.
 */
public final class ProvisioningTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final LongSupplier clock;

    public ProvisioningTokens(Database db, LongSupplier clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A new token for the account, valid for {@code lifetimeMs}. */
    public String create(String username, long lifetimeMs) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        db.inTransaction(s -> {
            s.persist(new ProvisioningToken(hash(token), username, clock.getAsLong() + lifetimeMs));
            return null;
        });
        return token;
    }

    /** The account of a valid token, which is used up by this call; empty for an unknown, used or expired one alike. */
    public Optional<String> use(String token) {
        if (token == null || token.length() > 100) return Optional.empty();
        String h = hash(token);
        long now = clock.getAsLong();
        return db.inTransaction(s -> {
            int taken = s.createMutationQuery("update ProvisioningToken set usedAt = :now where tokenHash = :h and usedAt = 0 and expiresAt > :now")
                    .setParameter("now", now).setParameter("h", h).executeUpdate();
            if (taken != 1) return Optional.<String>empty();
            return Optional.of(s.get(ProvisioningToken.class, h).username());
        });
    }

    /** Drops tokens that can no longer be used. */
    public int purge() {
        long now = clock.getAsLong();
        return db.inTransaction(s -> s.createMutationQuery("delete from ProvisioningToken where expiresAt <= :now or usedAt > 0")
                .setParameter("now", now).executeUpdate());
    }

    private static String hash(String token) {
        return DigestAlgorithm.SHA_256.hash(token);
    }
}
