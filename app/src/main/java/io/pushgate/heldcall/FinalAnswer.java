package io.pushgate.heldcall;

import java.text.ParseException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.SipFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/** The final answer kept for a held call: 480 to the INVITE as received, with the reason (RFC 3326). */
public final class FinalAnswer {
    private FinalAnswer() {}

    /** {@code toTag} is the tag of the provisional responses already sent, or null for a new one. */
    public static String unavailable(Request invite, String toTag, String reason) {
        try {
            SipFactory sip = SipFactory.getInstance();
            Response r = sip.createMessageFactory().createResponse(Response.TEMPORARILY_UNAVAILABLE, invite);
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            to.setTag(toTag != null ? toTag : Long.toHexString(ThreadLocalRandom.current().nextLong()));
            r.addHeader(sip.createHeaderFactory().createHeader("Reason",
                    "SIP;cause=480;text=\"" + reason.replace("\"", "'") + "\""));
            r.removeContent();
            return r.toString();
        } catch (javax.sip.PeerUnavailableException | ParseException e) {
            throw new IllegalStateException("cannot make the final answer of a held call", e);
        }
    }
}
