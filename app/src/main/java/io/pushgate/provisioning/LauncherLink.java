package io.pushgate.provisioning;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The zero-config launcher link of the sip:carrier mobile app, byte for byte as its script makes
 * it: {@code username=U&server=D&password=P}, PKCS#5-padded, AES-128-CBC with the app's key and IV,
 * Base64, then URL-escaped; opened as {@code <base>/sipphone?c=<escaped>}, which redirects to
 * {@code sipphone://<Base64>}. The password is needed in clear to make one, so it is given when the
 * link is made and never stored.
 */
public record LauncherLink(String base64, String escaped, String url) {

    public static LauncherLink of(String user, String domain, String password, byte[] key, byte[] iv, String baseUrl) {
        String clear = "username=" + user + "&server=" + domain + "&password=" + password;
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            String base64 = Base64.getEncoder().encodeToString(aes.doFinal(clear.getBytes(StandardCharsets.UTF_8)));
            String escaped = URLEncoder.encode(base64, StandardCharsets.UTF_8);
            return new LauncherLink(base64, escaped, baseUrl.replaceAll("/+$", "") + "/sipphone?c=" + escaped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128-CBC: " + e.getMessage(), e);
        }
    }

    /**
     * The Base64 string of a launch parameter as the browser delivers it ({@code c}, already
     * unescaped once by the servlet container), or null unless it is Base64 of a whole number of
     * AES blocks.
     */
    public static String launchTarget(String c) {
        if (c == null || c.isEmpty() || c.length() > 4096) return null;
        // a link pasted still escaped arrives with %2B and the like: one more unescape leaves a clean one alone
        String s = c.contains("%") ? URLDecoder.decode(c, StandardCharsets.UTF_8) : c;
        // "+" may have become a space on the way (form encoding)
        s = s.replace(' ', '+');
        try {
            byte[] raw = Base64.getDecoder().decode(s);
            return raw.length > 0 && raw.length % 16 == 0 ? s : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
