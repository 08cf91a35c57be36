package io.pushgate.itest;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A browser vendor's push service and the browser's subscription, which cannot be reached from
 * here: it holds the subscription's keys (P-256 and the auth secret), takes Pushgate's POSTs, checks
 * the VAPID token (RFC 8292) against the key it names, and decrypts the payload (RFC 8291), as the
 * browser would, so a test reads what the page's service worker would get.
 */
public final class WebPushStandIn implements AutoCloseable {
    /** One push: the subscription it went to, the decrypted payload (null if it did not decrypt), whether VAPID checked out. */
    public record Push(String subscription, String payload, boolean vapidValid, String vapidKey, String urgency) {}

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final HttpServer server;
    private final KeyPair subscriptionKeys;
    private final byte[] auth = new byte[16];
    private final BlockingQueue<Push> received = new LinkedBlockingQueue<>();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();

    public WebPushStandIn() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        subscriptionKeys = g.generateKeyPair();
        new SecureRandom().nextBytes(auth);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/push/", ex -> {
            String id = ex.getRequestURI().getPath().substring("/push/".length());
            byte[] body = ex.getRequestBody().readAllBytes();
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            String key = authorization == null ? null : field(authorization, "k");
            String payload;
            try {
                payload = "aes128gcm".equals(ex.getRequestHeaders().getFirst("Content-Encoding")) ? decrypt(body) : null;
            } catch (Exception e) {
                payload = null;
            }
            received.add(new Push(id, payload, vapidValid(authorization), key, ex.getRequestHeaders().getFirst("Urgency")));
            ex.sendResponseHeaders(answers.getOrDefault(id, 201), -1);
            ex.close();
        });
        server.start();
    }

    /** The Contact parameters of a device subscribed as {@code id}. */
    public String contactParams(String id) {
        return ";pn-provider=webpush;pn-prid=" + endpoint(id) + ";pn-param=" + p256dh() + "." + auth();
    }

    /** The push resource of subscription {@code id}, as PushSubscription.endpoint. */
    public String endpoint(String id) { return "http://127.0.0.1:" + server.getAddress().getPort() + "/push/" + id; }

    /** The subscription's keys as PushSubscription.toJSON() gives them (base64url). */
    public String p256dh() { return B64.encodeToString(uncompressed((ECPublicKey) subscriptionKeys.getPublic())); }

    public String auth() { return B64.encodeToString(auth); }

    /** Answer pushes to subscription {@code id} with this status (201 otherwise). */
    public void answer(String id, int status) { answers.put(id, status); }

    public Push next(long seconds) throws InterruptedException { return received.poll(seconds, TimeUnit.SECONDS); }

    private static String field(String authorization, String name) {
        for (String part : authorization.replaceFirst("^vapid\\s+", "").split(",")) {
            String p = part.strip();
            if (p.startsWith(name + "=")) return p.substring(name.length() + 1);
        }
        return null;
    }

    /** RFC 8292: "vapid t=<ES256 JWT>, k=<public key>", the JWT for this origin, not expired, with a subject. */
    private boolean vapidValid(String authorization) {
        try {
            if (authorization == null || !authorization.startsWith("vapid ")) return false;
            String[] jwt = field(authorization, "t").split("\\.");
            ECPublicKey key = publicKey(Base64.getUrlDecoder().decode(field(authorization, "k")));
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initVerify(key);
            s.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(Base64.getUrlDecoder().decode(jwt[2]))) return false;
            var claims = com.google.gson.JsonParser.parseString(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8)).getAsJsonObject();
            long exp = claims.get("exp").getAsLong(), now = System.currentTimeMillis() / 1000;
            return claims.get("aud").getAsString().equals("http://127.0.0.1:" + server.getAddress().getPort())
                    && exp > now && exp <= now + 24 * 3600 && claims.get("sub").getAsString().length() > 7;
        } catch (Exception e) {
            return false;
        }
    }

    /** RFC 8291 with RFC 8188's aes128gcm, one record. */
    private String decrypt(byte[] body) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        b.get(salt);
        b.getInt(); // record size
        byte[] senderKey = new byte[b.get() & 0xff];
        b.get(senderKey);
        byte[] ciphertext = new byte[b.remaining()];
        b.get(ciphertext);
        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(subscriptionKeys.getPrivate());
        ecdh.doPhase(publicKey(senderKey), true);
        byte[] secret = ecdh.generateSecret();
        byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uncompressed((ECPublicKey) subscriptionKeys.getPublic()), senderKey);
        byte[] ikm = hmac(hmac(auth, secret), concat(keyInfo, new byte[] {1}));
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII)), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII)), 12);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] plain = aes.doFinal(ciphertext);
        int end = plain.length - 1;
        while (end >= 0 && plain[end] == 0) end--;
        if (end < 0 || plain[end] != 2) throw new IllegalStateException("no last-record delimiter");
        return new String(plain, 0, end, StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] uncompressed(ECPublicKey k) {
        return concat(new byte[] {4}, fixed(k.getW().getAffineX()), fixed(k.getW().getAffineY()));
    }

    private static byte[] fixed(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }

    private static ECPublicKey publicKey(byte[] uncompressed) throws Exception {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)), new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    }

    @Override
    public void close() { server.stop(0); }
}
