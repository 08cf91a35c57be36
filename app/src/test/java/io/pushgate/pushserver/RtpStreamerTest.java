package io.pushgate.pushserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

public class RtpStreamerTest {
    private RtpStreamer streamer;
    private DatagramChannel receiver;

    @Before
    public void open() throws Exception {
        streamer = new RtpStreamer(EarlyMediaAudio.load(null), "127.0.0.1", 41000, 41099);
        receiver = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        receiver.socket().setSoTimeout(2000);
    }

    @After
    public void close() throws Exception {
        streamer.close();
        receiver.close();
    }

    private record Packet(long at, int firstByte, int markerAndType, int seq, long timestamp, int ssrc) {}

    private Packet receive() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(2048);
        java.net.DatagramPacket p = new java.net.DatagramPacket(b.array(), b.capacity());
        receiver.socket().receive(p);
        long at = System.nanoTime();
        ByteBuffer d = ByteBuffer.wrap(p.getData(), 0, p.getLength());
        assertEquals("RTP header and one 20 ms G.711 frame", 12 + 160, p.getLength());
        return new Packet(at, d.get() & 0xff, d.get() & 0xff, d.getShort() & 0xffff, d.getInt() & 0xffffffffL, d.getInt());
    }

    private List<RtpStreamer.Stream> startStreams(int n) throws Exception {
        int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
        List<RtpStreamer.Stream> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RtpStreamer.Stream s = streamer.open(new SdpAudio.Offer("127.0.0.1", port, SdpAudio.Law.ALAW, 8));
            assertNotNull("a free port", s);
            streams.add(s);
        }
        streams.forEach(RtpStreamer.Stream::start);
        return streams;
    }

    @Test
    public void everyStreamIsContinuousAndMarksItsFirstPacket() throws Exception {
        startStreams(5);
        Map<Integer, List<Packet>> bySsrc = new HashMap<>();
        for (int i = 0; i < 5 * 10; i++) {
            Packet p = receive();
            bySsrc.computeIfAbsent(p.ssrc(), k -> new ArrayList<>()).add(p);
        }
        assertEquals(5, bySsrc.size());
        for (List<Packet> packets : bySsrc.values()) {
            assertEquals("RTP version 2, no padding, extension or CSRC", 0x80, packets.get(0).firstByte());
            assertEquals("marker on the first packet, payload type 8", 0x80 | 8, packets.get(0).markerAndType());
            for (int i = 1; i < packets.size(); i++) {
                Packet a = packets.get(i - 1), b = packets.get(i);
                assertEquals("no marker after the first", 8, b.markerAndType());
                assertEquals((a.seq() + 1) & 0xffff, b.seq());
                assertEquals((a.timestamp() + 160) & 0xffffffffL, b.timestamp());
            }
        }
    }

    @Test
    public void streamsStartedTogetherAreSpreadOverTheTwentyMilliseconds() throws Exception {
        startStreams(20);
        for (int i = 0; i < 20; i++) receive();  // the first round; a stream may start mid-round
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (int i = 0; i < 20; i++) {
            long at = receive().at();
            first = Math.min(first, at);
            last = Math.max(last, at);
        }
        // In one burst the twenty packets would arrive within a fraction of a millisecond.
        assertTrue("one round spans " + (last - first) / 1e6 + " ms", last - first > 5_000_000);
    }

    @Test
    public void aClosedStreamStopsAndGivesItsPortBack() throws Exception {
        RtpStreamer small = new RtpStreamer(EarlyMediaAudio.load(null), "127.0.0.1", 41100, 41101);
        try {
            int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
            SdpAudio.Offer offer = new SdpAudio.Offer("127.0.0.1", port, SdpAudio.Law.ULAW, 0);
            RtpStreamer.Stream s = small.open(offer);
            assertNotNull(s);
            assertEquals(null, small.open(offer));
            s.start();
            receive();
            s.close();
            receiver.socket().setSoTimeout(200);
            int after = 0;
            try {
                // at most one packet can have been in flight; a stream still playing would send ten per 200 ms
                for (; after < 3; after++) receive();
            } catch (SocketTimeoutException expected) {
                // silence
            }
            assertTrue(after + " packets after close", after <= 1);
            assertNotNull("the port is free again", small.open(offer));
        } finally {
            small.close();
        }
    }
}
