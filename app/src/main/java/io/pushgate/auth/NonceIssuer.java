package io.pushgate.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues self-verifying nonces (time, random, HMAC) so nothing is stored per challenge, and
 * remembers the highest nonce-count seen per nonce ({@link NonceCounts}) so a replayed nc is
 * refused. Servers sharing a database share the HMAC key, so a nonce one issued is good at another
 * (the dispatcher moved the client); the nonce-counts stay each server's own.
 */
public final class NonceIssuer {
    public enum Verdict { VALID, STALE, INVALID }

    private static final int MAC_BYTES = 16;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    private final long lifetimeMs;
    private final LongSupplier clock;
    private final NonceCounts counts;
    /** A Mac per thread: looking one up costs more than computing it, and it runs twice per challenge. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public NonceIssuer(int lifetimeSeconds, int cacheSize, LongSupplier clock) {
        this(newKey(), lifetimeSeconds, cacheSize, clock);
    }

    /** key: from {@link #newKey}, Base64. */
    public NonceIssuer(String key, int lifetimeSeconds, int cacheSize, LongSupplier clock) {
        this.key = new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256");
        this.lifetimeMs = lifetimeSeconds * 1000L;
        this.clock = clock;
        this.counts = new NonceCounts(cacheSize, lifetimeMs);
    }

    /** A new random HMAC key, Base64. */
    public static String newKey() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }

    public String issue() {
        ByteBuffer b = ByteBuffer.allocate(16 + MAC_BYTES);
        b.putLong(clock.getAsLong());
        b.putLong(random.nextLong());
        b.put(mac(b.array(), 16));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    public Verdict verify(String nonce) {
        byte[] raw = raw(nonce);
        if (raw == null) return Verdict.INVALID;
        byte[] expected = mac(raw, 16);
        byte[] given = new byte[MAC_BYTES];
        System.arraycopy(raw, 16, given, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(expected, given)) return Verdict.INVALID;
        long issued = ByteBuffer.wrap(raw).getLong();
        long age = clock.getAsLong() - issued;
        if (age < 0 || age > lifetimeMs) return Verdict.STALE;
        return Verdict.VALID;
    }

    /** Records a use of a valid nonce with its nonce-count: REPLAYED when the count is not higher than one seen before. */
    NonceCounts.Use acceptCount(String nonce, long nc) {
        byte[] raw = raw(nonce);
        if (raw == null) return NonceCounts.Use.REPLAYED;
        ByteBuffer b = ByteBuffer.wrap(raw);
        return counts.accept(b.getLong(0), b.getLong(8), nc);
    }

    /** A nonce's bytes (time, random, MAC), or null when it does not have their shape. */
    private static byte[] raw(String nonce) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(nonce);
            return raw.length == 16 + MAC_BYTES ? raw : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private byte[] mac(byte[] data, int len) {
        Mac m = macs.get();
        m.update(data, 0, len);
        byte[] out = new byte[MAC_BYTES];
        System.arraycopy(m.doFinal(), 0, out, 0, MAC_BYTES);
        return out;
    }
}
