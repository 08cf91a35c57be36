package io.pushgate.console;

import io.pushgate.api.ApiRouter;
import io.pushgate.gateway.MessageRelay;
import io.pushgate.provisioning.DeviceList;
import io.pushgate.registrar.BindingStore;
import io.pushgate.trace.CallTraces;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the console's pages read and change, published by the server for {@link ConsoleServlet}:
 * the bindings and devices, the call traces, the gateway's stored messages, and the management
 * API's own routes (subscribers, aliases, remote registrations), called in-process.
 */
public final class Console {
    final BindingStore bindings;
    final DeviceList devices;
    final CallTraces traces;
    /** Null outside the gateway role. */
    final MessageRelay messages;
    final ApiRouter api;
    final String domain;
    final LongSupplier clock;
    private final byte[] formKey = new byte[32];

    public Console(BindingStore bindings, DeviceList devices, CallTraces traces, MessageRelay messages, ApiRouter api, String domain,
                   LongSupplier clock) {
        this.bindings = bindings;
        this.devices = devices;
        this.traces = traces;
        this.messages = messages;
        this.api = api;
        this.domain = domain;
        this.clock = clock;
        new SecureRandom().nextBytes(formKey);
    }

    /** The token a user's forms carry: another site cannot know it, so it cannot make the user's browser post. */
    String formToken(String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(formKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean validToken(String user, String token) {
        return token != null && MessageDigest.isEqual(formToken(user).getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
    }
}
