package io.pushgate.console;

import io.pushgate.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The console users (console_user table): added and removed with {@code pushgate console-user},
 * checked by the container's realm for its Manager and for Pushgate's console alike. Passwords
 * are PBKDF2-HMAC-SHA256 hashes; a password that passed is remembered for a minute as a salted
 * digest, since HTTP Basic sends it with every page.
 */
public final class ConsoleUsers {
    /** Tomcat's Manager roles, and Pushgate's console. */
    public static final Set<String> ROLES = Set.of("manager-gui", "manager-script", "manager-jmx", "manager-status", "pushgate-console");
    private static final int ITERATIONS = 100_000;
    private static final long REMEMBER_MS = 60_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Passed(byte[] digest, long until) {}

    private final Database db;
    private final LongSupplier clock;
    private final byte[] pepper = new byte[16];
    private final Map<String, Passed> passed = new ConcurrentHashMap<>();

    public ConsoleUsers(Database db, LongSupplier clock) {
        this.db = db;
        this.clock = clock;
        RANDOM.nextBytes(pepper);
    }

    /** False when the name is taken. */
    public boolean add(String name, String password, List<String> roles) {
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) throw new IllegalArgumentException("user name: 1 to 64 of A-Z a-z 0-9 . _ -");
        for (String r : roles) if (!ROLES.contains(r)) throw new IllegalArgumentException("unknown role " + r + "; roles are " + ROLES);
        if (password.length() < 10) throw new IllegalArgumentException("the password needs at least 10 characters");
        return db.inTransaction(s -> {
            if (s.get(ConsoleUser.class, name) != null) return false;
            s.persist(new ConsoleUser(name, hash(password), roles, clock.getAsLong()));
            return true;
        });
    }

    public boolean remove(String name) {
        passed.remove(name);
        return db.inTransaction(s -> {
            ConsoleUser u = s.get(ConsoleUser.class, name);
            if (u == null) return false;
            s.remove(u);
            return true;
        });
    }

    public List<ConsoleUser> list() {
        return db.inTransaction(s -> s.createSelectionQuery("from ConsoleUser order by name", ConsoleUser.class).getResultList());
    }

    /** The user's roles when the password is right; empty otherwise (an unknown user costs a hash too). */
    public Optional<List<String>> authenticate(String name, String password) {
        if (name == null || password == null) return Optional.empty();
        ConsoleUser u = db.inTransaction(s -> s.get(ConsoleUser.class, name));
        byte[] quick = quickDigest(name, password);
        Passed p = passed.get(name);
        if (u != null && p != null && p.until > clock.getAsLong() && MessageDigest.isEqual(p.digest, quick)) return Optional.of(u.roles());
        boolean ok = verify(password, u == null ? DUMMY : u.passwordHash());
        if (u == null || !ok) return Optional.empty();
        passed.put(name, new Passed(quick, clock.getAsLong() + REMEMBER_MS));
        return Optional.of(u.roles());
    }

    private static final String DUMMY = hash("no such user, same cost");

    static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "pbkdf2-sha256$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    static boolean verify(String password, String stored) {
        String[] f = stored.split("\\$");
        if (f.length != 4 || !f[0].equals("pbkdf2-sha256")) return false;
        byte[] expected = Base64.getDecoder().decode(f[3]);
        return MessageDigest.isEqual(expected, pbkdf2(password, Base64.getDecoder().decode(f[2]), Integer.parseInt(f[1])));
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] quickDigest(String name, String password) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(pepper);
            d.update((name + "\0" + password).getBytes(StandardCharsets.UTF_8));
            return d.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
