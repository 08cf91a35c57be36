package io.pushgate.pushserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every early-media stream from one thread on one clock (RFC 3550 packets, RFC 3551 G.711
 * payloads, one every 20 ms). The 20 ms are cut into 1 ms slots and each stream plays in the
 * emptiest slot, so the thread sends a twentieth of the streams per millisecond instead of all of
 * them in one burst whose last packets a pause would delay most. Each stream owns an even UDP port
 * from the configured range for as long as it plays. A late tick sends its packets late rather
 * than skipping them, so sequence numbers and timestamps never jump.
 */
public final class RtpStreamer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtpStreamer.class);
    private static final int SLOTS = 20;
    private static final long SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(20) / SLOTS;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One second of packets that could not be sent. */
    private static final int GIVE_UP_AFTER = 50;

    private final EarlyMediaAudio audio;
    private final String address;
    private final ConcurrentLinkedQueue<Integer> freePorts = new ConcurrentLinkedQueue<>();
    /** The streams of each 1 ms slot; written when a stream starts or stops, read every tick. */
    private final List<Set<Stream>> slots = new ArrayList<>(SLOTS);
    private final Thread thread;
    private volatile boolean running = true;

    public RtpStreamer(EarlyMediaAudio audio, String address, int portMin, int portMax) {
        this.audio = audio;
        this.address = address;
        for (int p = portMin + (portMin & 1); p + 1 <= portMax; p += 2) freePorts.add(p);
        for (int i = 0; i < SLOTS; i++) slots.add(new CopyOnWriteArraySet<>());
        this.thread = new Thread(this::run, "pushgate-rtp");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    /** One stream toward one caller. */
    public final class Stream implements AutoCloseable {
        private final DatagramChannel channel;
        private final int port;
        private final InetSocketAddress remote;
        private final SdpAudio.Offer offer;
        private final byte[] samples;
        private final ByteBuffer packet = ByteBuffer.allocateDirect(12 + EarlyMediaAudio.FRAME);
        private final int ssrc = RANDOM.nextInt();
        private int seq = RANDOM.nextInt(0x10000);
        private int timestamp = RANDOM.nextInt();
        private long frame;
        private boolean first = true;
        private int failures;
        private Set<Stream> slot;

        private Stream(DatagramChannel channel, int port, InetSocketAddress remote, SdpAudio.Offer offer) {
            this.channel = channel;
            this.port = port;
            this.remote = remote;
            this.offer = offer;
            this.samples = audio.samples(offer.law());
        }

        public int localPort() { return port; }

        public synchronized void start() {
            if (slot != null) return;
            slot = slots.stream().min(Comparator.comparingInt(Set::size)).orElseThrow();
            slot.add(this);
        }

        private synchronized boolean stop() {
            if (slot == null) return false;
            slot.remove(this);
            slot = null;
            return true;
        }

        void sendFrame() {
            packet.clear();
            packet.put((byte) 0x80);
            // Marker on the first packet of the stream (RFC 3551 section 4.1: start of a talkspurt).
            packet.put((byte) ((first ? 0x80 : 0) | offer.payloadType()));
            packet.putShort((short) seq);
            packet.putInt(timestamp);
            packet.putInt(ssrc);
            int at = (int) ((frame * EarlyMediaAudio.FRAME) % samples.length);
            packet.put(samples, at, EarlyMediaAudio.FRAME);
            packet.flip();
            try {
                channel.write(packet);
                failures = 0;
            } catch (IOException e) {
                // A caller whose media port is gone (ICMP unreachable) would cost an exception every 20 ms.
                if (++failures == GIVE_UP_AFTER) {
                    log.info("early media to {} stopped after {} failed packets: {}", remote, failures, e.toString());
                    stop();
                }
            }
            first = false;
            seq = (seq + 1) & 0xffff;
            timestamp += EarlyMediaAudio.FRAME;
            frame++;
        }

        /** Stops the stream and gives its port back. */
        @Override
        public void close() {
            if (!stop() && !channel.isOpen()) return;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a UDP channel does not fail in a way that matters here
            }
            freePorts.add(port);
        }
    }

    /** A stream bound to a free port, not yet playing; null when every port is taken. */
    public Stream open(SdpAudio.Offer offer) throws IOException {
        InetSocketAddress remote = new InetSocketAddress(offer.address(), offer.port());
        for (int tries = freePorts.size(); tries > 0; tries--) {
            Integer port = freePorts.poll();
            if (port == null) break;
            DatagramChannel ch = DatagramChannel.open();
            try {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(address, port));
                // Connected, so each send skips the per-packet address checks.
                ch.connect(remote);
                return new Stream(ch, port, remote, offer);
            } catch (IOException e) {
                ch.close();
                freePorts.add(port);
                log.debug("rtp port {} unusable: {}", port, e.toString());
            }
        }
        return null;
    }

    private void run() {
        long next = System.nanoTime();
        for (int slot = 0; running; slot = (slot + 1) % SLOTS) {
            next += SLOT_NANOS;
            for (Stream s : slots.get(slot)) s.sendFrame();
            long wait = next - System.nanoTime();
            if (wait > 0) LockSupport.parkNanos(wait);
        }
    }

    public String address() { return address; }

    @Override
    public void close() {
        running = false;
        for (Set<Stream> slot : slots) for (Stream s : slot) s.close();
    }
}
