package io.pushgate.gateway;

import static org.junit.Assert.assertEquals;

import io.pushgate.push.PushNotification.Kind;
import org.junit.Test;

/** Which alert a pushed device gets when the proxy cancels its branch (RFC 3326 Reason). */
public class CancelReasonTest {
    @Test
    public void reasonOfTheCancel() {
        assertEquals(Kind.ANSWERED_ELSEWHERE, ForkContext.cancelledBecause("SIP;cause=200;text=\"Call completed elsewhere\""));
        assertEquals(Kind.DECLINED_ELSEWHERE, ForkContext.cancelledBecause("SIP ;cause=603;text=\"Decline\""));
        assertEquals(Kind.MISSED_CALL, ForkContext.cancelledBecause(null));
        assertEquals(Kind.MISSED_CALL, ForkContext.cancelledBecause("Q.850;cause=16"));
        assertEquals(Kind.MISSED_CALL, ForkContext.cancelledBecause("SIP;cause=487"));
    }
}
