package io.pushgate.pushserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class SdpAudioTest {
    private static String offer(String media, String... attrs) {
        return "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" + media + "\r\n"
                + String.join("\r\n", attrs) + (attrs.length == 0 ? "" : "\r\n");
    }

    @Test
    public void firstG711InTheCallersOrderWins() {
        SdpAudio.Offer o = SdpAudio.parseOffer(offer("m=audio 4000 RTP/AVP 9 8 0", "a=rtpmap:9 G722/8000"));
        assertEquals(SdpAudio.Law.ALAW, o.law());
        assertEquals(8, o.payloadType());
        assertEquals("192.0.2.1", o.address());
        assertEquals(4000, o.port());
    }

    @Test
    public void dynamicPayloadTypeMappedToPcmuIsUsedAsIs() {
        SdpAudio.Offer o = SdpAudio.parseOffer(offer("m=audio 4000 RTP/AVP 101 96", "a=rtpmap:101 telephone-event/8000",
                "a=rtpmap:96 PCMU/8000"));
        assertEquals(SdpAudio.Law.ULAW, o.law());
        assertEquals(96, o.payloadType());
    }

    @Test
    public void mediaLevelConnectionOverridesTheSessionOne() {
        SdpAudio.Offer o = SdpAudio.parseOffer(offer("m=audio 4000 RTP/AVP 0", "c=IN IP4 198.51.100.7"));
        assertEquals("198.51.100.7", o.address());
    }

    @Test
    public void noG711NoAudioOrARejectedStreamGiveNothing() {
        assertNull(SdpAudio.parseOffer(offer("m=audio 4000 RTP/AVP 9 18", "a=rtpmap:9 G722/8000", "a=rtpmap:18 G729/8000")));
        assertNull(SdpAudio.parseOffer(offer("m=video 4000 RTP/AVP 96")));
        assertNull(SdpAudio.parseOffer(offer("m=audio 0 RTP/AVP 0")));
        assertNull("a static type remapped to another codec is not G.711",
                SdpAudio.parseOffer(offer("m=audio 4000 RTP/AVP 0", "a=rtpmap:0 opus/48000")));
    }

    @Test
    public void answerIsSendOnlyWithOneCodec() {
        SdpAudio.Offer o = new SdpAudio.Offer("192.0.2.1", 4000, SdpAudio.Law.ULAW, 0);
        String a = SdpAudio.answer("203.0.113.5", 40000, o, 42, 1);
        assertTrue(a, a.contains("o=pushgate 42 1 IN IP4 203.0.113.5\r\n"));
        assertTrue(a, a.contains("m=audio 40000 RTP/AVP 0\r\n"));
        assertTrue(a, a.contains("a=rtpmap:0 PCMU/8000\r\n"));
        assertTrue(a, a.contains("a=sendonly\r\n"));
    }

    @Test
    public void reofferKeepsTheCalleesMediaUnderOurOrigin() {
        String callee = "v=0\no=bob 99 7 IN IP4 198.51.100.9\ns=-\nc=IN IP4 198.51.100.9\nt=0 0\nm=audio 6000 RTP/AVP 0\n";
        String r = SdpAudio.reoffer(callee, "203.0.113.5", 42, 2);
        assertTrue(r, r.startsWith("v=0\r\no=pushgate 42 2 IN IP4 203.0.113.5\r\n"));
        assertTrue(r, r.contains("c=IN IP4 198.51.100.9\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"));
    }
}
