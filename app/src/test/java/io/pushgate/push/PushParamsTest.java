package io.pushgate.push;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Optional;
import org.junit.Test;

public class PushParamsTest {

    private static PushParams parse(String uri) throws PushParams.InvalidPushParams {
        return PushParams.parseUri(uri).orElseThrow();
    }

    @Test
    public void rfc8599ApnsVoip() throws Exception {
        PushParams p = parse("sip:a@192.0.2.1:5062;pn-provider=apns;pn-prid=00fc13adff78;pn-param=ABCD123456.org.example.phone.voip");
        assertEquals("apns", p.provider());
        assertEquals("org.example.phone", p.bundleId());
        assertEquals(Optional.of("00fc13adff78"), p.voipToken());
        assertEquals(Optional.empty(), p.remoteToken());
        assertEquals("apns", p.provider());
    }

    @Test
    public void rfc8599ApnsDualToken() throws Exception {
        PushParams p = parse("sip:a@h;pn-provider=apns.dev;pn-prid=aaa:voip&bbb:remote;pn-param=ABCD123456.org.example.phone.voip&remote");
        assertEquals("apns.dev", p.provider());
        assertEquals("org.example.phone", p.bundleId());
        assertEquals(Optional.of("aaa"), p.voipToken());
        assertEquals(Optional.of("bbb"), p.remoteToken());
    }

    @Test
    public void rfc8599FcmWithPurr() throws Exception {
        PushParams p = parse("sip:a@h;PN-Provider=fcm;pn-prid=tok-1;pn-param=my-project;pn-purr=abc");
        assertEquals("fcm", p.provider());
        assertEquals("my-project", p.param());
        assertEquals("abc", p.purr());
    }

    @Test
    public void legacyAppleIsTranslated() throws Exception {
        PushParams p = parse("sip:a@h;pn-type=apple;pn-tok=vvv:voip&rrr:remote;app-id=org.linphone.phone.dev");
        assertEquals("apns.dev", p.provider());
        assertEquals("org.linphone.phone", p.bundleId());
        assertEquals(Optional.of("vvv"), p.voipToken());
        assertEquals(Optional.of("rrr"), p.remoteToken());
    }

    @Test
    public void legacySingleAppleTokenIsVoip() throws Exception {
        PushParams p = parse("sip:a@h;pn-type=apple;pn-tok=vvv;app-id=org.linphone.phone.prod");
        assertEquals("apns", p.provider());
        assertEquals(Optional.of("vvv"), p.voipToken());
    }

    @Test
    public void legacyFirebaseIsTranslated() throws Exception {
        PushParams p = parse("sip:a@h;pn-type=firebase;pn-tok=ftok;app-id=linphone-project");
        assertEquals(new PushParams("fcm", "ftok", "linphone-project", null), p);
    }

    @Test
    public void contactWithoutPushParameters() throws Exception {
        assertFalse(PushParams.parseUri("sip:a@192.0.2.1:5060;transport=tcp").isPresent());
    }

    /** Whether a service takes the provider is the dispatcher's question (555), not the parser's. */
    @Test
    public void anyProviderTokenIsRead() throws Exception {
        assertEquals("webhook", parse("sip:a@h;pn-provider=webhook;pn-prid=x").provider());
        assertEquals("blackberry", parse("sip:a@h;pn-type=blackberry;pn-tok=x;app-id=y").provider());
        expectInvalid("sip:a@h;pn-provider=a%20b;pn-prid=x");
    }

    /** What reaches a log or a trace: never a token, nor a WebPush subscription's keys. */
    @Test
    public void redactedAndAppHideTheDevicesSecrets() throws Exception {
        String keys = "B".repeat(87) + "." + "A".repeat(22);
        String web = "sip:a@h;pn-provider=webpush;pn-prid=https://push.example/s/1;pn-param=" + keys;
        assertEquals("sip:a@h;pn-provider=webpush;pn-prid=***;pn-param=***", PushParams.redacted(web));
        assertEquals("push.example", PushParams.parseUri(web).orElseThrow().app());
        assertEquals("sip:a@h;pn-provider=fcm;pn-prid=***;pn-param=proj", PushParams.redacted("sip:a@h;pn-provider=fcm;pn-prid=tok;pn-param=proj"));
        assertEquals("org.x", parse("sip:a@h;pn-provider=apns;pn-prid=tok;pn-param=TEAM123456.org.x.voip").app());
    }

    /** RFC 8599: pn-provider alone asks whether the service is there (and for its VAPID key); no device yet. */
    @Test
    public void aProviderAloneIsAQueryNotADevice() throws Exception {
        assertFalse(PushParams.parseUri("sip:a@h;pn-provider=webpush").isPresent());
        assertFalse(PushParams.parseUri("sip:a@h;pn-provider=apns;pn-param=T.org.x.voip").isPresent());
        assertEquals("webpush", PushParams.queriedProvider(io.pushgate.sip.SipUris.parameters("sip:a@h;PN-Provider=WebPush")));
    }

    @Test
    public void legacyAlertStringsAndSilentAreRead() throws Exception {
        PushParams p = parse("sip:a@h;pn-type=apple;pn-tok=abc:remote;app-id=org.x.prod;pn-msg-str=IM_MSG;pn-call-str=IC_MSG;pn-silent=1");
        assertEquals("IM_MSG", p.msgStr());
        assertEquals("IC_MSG", p.callStr());
        assertTrue(p.silent());
        PushParams rfc = parse("sip:a@h;pn-provider=fcm;pn-prid=t;pn-param=proj;pn-call-str=CALL_KEY");
        assertEquals("CALL_KEY", rfc.callStr());
        assertFalse(rfc.silent());
    }

    @Test
    public void malformedParametersAreRefused() {
                expectInvalid("sip:a@h;pn-provider=apns;pn-prid=;pn-param=T.org.x.voip");
        expectInvalid("sip:a@h;pn-provider=apns;pn-prid=abc");
        expectInvalid("sip:a@h;pn-provider=fcm;pn-prid=abc");
        expectInvalid("sip:a@h;pn-prid=abc;pn-param=p");
        expectInvalid("sip:a@h;pn-type=apple;pn-tok=abc");
    }

    private static void expectInvalid(String uri) {
        try {
            PushParams.parseUri(uri);
            fail("accepted " + uri);
        } catch (PushParams.InvalidPushParams e) {
            assertTrue(e.getMessage().length() > 3);
        }
    }
}
