package io.pushgate.fuzz;

import io.pushgate.push.PushParams;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A Contact URI as a device writes it (without its angle brackets): its push parameters are read or refused, and the
 * redacted form that goes to logs hides the device's token however the URI is written (the
 * redacted text, read again by the same parser, yields no token but the mask).
 */
public final class PushParamsTarget implements FuzzTarget {
    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        new PushParamsTarget().run(data);
    }

    @Override
    public void run(byte[] input) throws Exception {
        String uri = new String(input, StandardCharsets.UTF_8);
        // a URI as a Contact carries it, between < and >, which it cannot hold
        if (uri.indexOf('<') >= 0 || uri.indexOf('>') >= 0) return;
        Optional<PushParams> params;
        try {
            params = PushParams.parseUri(uri);
        } catch (PushParams.InvalidPushParams e) {
            return;
        }
        if (params.isEmpty()) return;
        String redacted = PushParams.redacted(uri);
        Optional<PushParams> again;
        try {
            again = PushParams.parseUri(redacted);
        } catch (PushParams.InvalidPushParams e) {
            return;
        }
        if (again.isPresent() && !again.get().prid().equals("***")) {
            throw new AssertionError("the token survives redaction: " + redacted);
        }
    }
}
