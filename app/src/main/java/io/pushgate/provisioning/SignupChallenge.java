package io.pushgate.provisioning;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sign-up form's question: a small sum written in words, answered once within ten minutes.
 * The form carries a token signed with this process's key, so nothing is stored until an answer
 * comes; a token answered once is remembered until it expires, so it cannot be replayed.
 */
public final class SignupChallenge {
    static final long LIFETIME_MS = 10 * 60_000L;
    /** Answered challenges remembered at once (each for its lifetime, so that it is used once). */
    static final int MAX_ANSWERED = 100_000;
    private static final String[] WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key = new byte[32];
    private final LongSupplier clock;
    private final Map<String, Long> answered = new ConcurrentHashMap<>();
    private volatile int sweepAt = 1024;

    public record Question(String text, String token) {}

    public SignupChallenge(LongSupplier clock) {
        RANDOM.nextBytes(key);
        this.clock = clock;
    }

    public Question next() {
        int a = 1 + RANDOM.nextInt(10);
        int b = 1 + RANDOM.nextInt(10);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        String claim = (clock.getAsLong() + LIFETIME_MS) + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
        return new Question("What is " + WORDS[a] + " plus " + WORDS[b] + "?", claim + "." + sign(claim, a + b));
    }

    /** True once for a token and its right answer before it expires. */
    public boolean check(String token, String answer) {
        if (token == null || answer == null || token.length() > 200) return false;
        int dot = token.lastIndexOf('.');
        int first = token.indexOf('.');
        if (dot <= first || first <= 0) return false;
        String claim = token.substring(0, dot);
        long expires;
        int sum;
        try {
            expires = Long.parseLong(token.substring(0, first));
            sum = Integer.parseInt(answer.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        long now = clock.getAsLong();
        if (expires <= now || expires > now + LIFETIME_MS) return false;
        byte[] expected = sign(claim, sum).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) return false;
        if (answered.size() >= sweepAt) {
            // not on every answer: a sweep walks them all
            answered.values().removeIf(e -> e <= now);
            sweepAt = Math.max(1024, Math.min(MAX_ANSWERED, 2 * answered.size()));
        }
        if (answered.size() >= MAX_ANSWERED) return false; // a flood of solved challenges must not grow the heap
        return answered.putIfAbsent(claim, expires) == null;
    }

    private String sign(String claim, int answer) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((claim + "=" + answer).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
