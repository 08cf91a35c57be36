package io.pushgate.media;

import io.pushgate.metrics.Gauges;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of rtpengine's NG control protocol: {@code <cookie> <bencoded dictionary>} over UDP.
 * A command that gets no answer is sent again after the timeout, up to {@code retries} times;
 * then that instance is marked down for a while and the next one (by weight) is tried. The
 * commands of one call stay on the instance that took its first command.
 */
public final class NgClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NgClient.class);

    /** One rtpengine control address and its share of new calls. */
    public record Instance(InetSocketAddress address, int weight) {}

    /** No configured rtpengine answered. */
    public static final class UnavailableException extends IOException {
        UnavailableException(String message) { super(message); }
    }

    private final List<Instance> instances;
    private final long timeoutMs;
    private final int retries;
    private final long downForMs;
    private final LongSupplier clock;
    private final DatagramSocket socket;
    private final ScheduledExecutorService timers;
    private final Thread receiver;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Long> downUntil = new ConcurrentHashMap<>();
    // Call-ID -> the instance that has the call. A call whose delete never came (a caller gone
    // silent) would stay for good: the map is bounded, the oldest calls forgotten first.
    private final Map<String, Sticky> byCall = new ConcurrentHashMap<>();
    static final int MAX_CALLS = 200_000;

    private record Sticky(Instance instance, long since) {}
    private final String cookiePrefix = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final AtomicLong sequence = new AtomicLong();

    private final class Pending {
        final Map<String, Object> command;
        final CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
        final Set<Instance> tried = new HashSet<>();
        Instance instance;
        String cookie;
        int sends;
        ScheduledFuture<?> timer;

        Pending(Map<String, Object> command) { this.command = command; }
    }

    /** A client for the rtpengines [media] names, with its timeouts. */
    public static NgClient open(MediaSettings settings, LongSupplier clock) {
        try {
            return new NgClient(settings.instances(), settings.timeoutMs(), settings.retries(), settings.downForSeconds() * 1000L, clock);
        } catch (SocketException e) {
            throw new IllegalStateException("cannot open the rtpengine control socket: " + e.getMessage(), e);
        }
    }

    public NgClient(List<Instance> instances, long timeoutMs, int retries, long downForMs, LongSupplier clock) throws SocketException {
        if (instances.isEmpty()) throw new IllegalArgumentException("no rtpengine instance");
        this.instances = List.copyOf(instances);
        this.timeoutMs = timeoutMs;
        this.retries = retries;
        this.downForMs = downForMs;
        this.clock = clock;
        this.socket = new DatagramSocket(new InetSocketAddress(0));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pushgate-ng-timer"));
        this.receiver = daemon(this::receive, "pushgate-ng-receiver");
        receiver.start();
        Gauges.report("pushgate_media_sessions", "Calls whose media rtpengine relays now.", this::callsTracked);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Sends a command; the future completes with rtpengine's answer or fails with UnavailableException. */
    public CompletableFuture<Map<String, Object>> request(Map<String, Object> command) {
        Pending p = new Pending(command);
        synchronized (p) {
            sendToNext(p);
        }
        return p.result;
    }

    /** Blocking form of {@link #request}. */
    public Map<String, Object> call(Map<String, Object> command) throws IOException {
        try {
            return request(command).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }

    private void sendToNext(Pending p) {
        Instance next = choose(p);
        if (next == null) {
            p.result.completeExceptionally(new UnavailableException("no rtpengine answered "
                    + p.command.get("command") + " (tried " + p.tried.stream().map(i -> i.address().toString()).toList() + ")"));
            return;
        }
        if (p.cookie != null) pending.remove(p.cookie);
        p.instance = next;
        p.tried.add(next);
        p.sends = 0;
        p.cookie = cookiePrefix + "_" + sequence.incrementAndGet();
        pending.put(p.cookie, p);
        transmit(p);
    }

    /** The call's instance if it has one and it is not tried yet; else a weighted pick among live ones. */
    private Instance choose(Pending p) {
        Object callId = p.command.get("call-id");
        Sticky known = callId == null ? null : byCall.get(callId.toString());
        Instance sticky = known == null ? null : known.instance();
        if (sticky != null && !p.tried.contains(sticky)) return sticky;
        long now = clock.getAsLong();
        List<Instance> live = new ArrayList<>();
        for (Instance i : instances) {
            if (!p.tried.contains(i) && downUntil.getOrDefault(i.address(), 0L) <= now) live.add(i);
        }
        if (live.isEmpty()) {
            // All marked down: still try the untried ones rather than fail without asking.
            for (Instance i : instances) if (!p.tried.contains(i)) live.add(i);
        }
        if (live.isEmpty()) return null;
        int total = live.stream().mapToInt(Instance::weight).sum();
        int r = ThreadLocalRandom.current().nextInt(Math.max(total, 1));
        for (Instance i : live) {
            r -= i.weight();
            if (r < 0) return i;
        }
        return live.get(0);
    }

    private void transmit(Pending p) {
        byte[] body = Bencode.encode(p.command);
        byte[] head = (p.cookie + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] packet = new byte[head.length + body.length];
        System.arraycopy(head, 0, packet, 0, head.length);
        System.arraycopy(body, 0, packet, head.length, body.length);
        try {
            socket.send(new DatagramPacket(packet, packet.length, p.instance.address()));
        } catch (IOException e) {
            log.warn("rtpengine {}: send failed: {}", p.instance.address(), e.toString());
        }
        p.sends++;
        p.timer = timers.schedule(() -> onTimeout(p), timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void onTimeout(Pending p) {
        synchronized (p) {
            if (p.result.isDone()) return;
            if (p.sends <= retries) {
                transmit(p);
                return;
            }
            log.warn("rtpengine {} did not answer {} after {} sends; marked down for {} ms",
                    p.instance.address(), p.command.get("command"), p.sends, downForMs);
            downUntil.put(p.instance.address(), clock.getAsLong() + downForMs);
            sendToNext(p);
        }
    }

    private void receive() {
        byte[] buf = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                if (!socket.isClosed()) log.warn("rtpengine control socket: {}", e.toString());
                continue;
            }
            int space = -1;
            for (int i = 0; i < packet.getLength(); i++) {
                if (buf[i] == ' ') {
                    space = i;
                    break;
                }
            }
            if (space <= 0) continue;
            String cookie = new String(buf, 0, space, StandardCharsets.US_ASCII);
            Pending p = pending.remove(cookie);
            if (p == null) continue; // a late answer to a retransmission already answered
            try {
                Object v = Bencode.decode(buf, space + 1, packet.getLength() - space - 1);
                if (!(v instanceof Map<?, ?> m)) throw new Bencode.MalformedException("answer is not a dictionary");
                @SuppressWarnings("unchecked")
                Map<String, Object> answer = (Map<String, Object>) m;
                synchronized (p) {
                    if (p.timer != null) p.timer.cancel(false);
                    remember(p, answer);
                    p.result.complete(answer);
                }
            } catch (Bencode.MalformedException e) {
                log.warn("rtpengine {} sent a malformed answer: {}", packet.getSocketAddress(), e.getMessage());
                synchronized (p) {
                    if (p.timer != null) p.timer.cancel(false);
                    p.result.completeExceptionally(new IOException("malformed answer from rtpengine: " + e.getMessage()));
                }
            }
        }
    }

    /** Keeps a call on its instance until it is deleted. */
    private void remember(Pending p, Map<String, Object> answer) {
        Object callId = p.command.get("call-id");
        if (callId == null) return;
        if ("delete".equals(p.command.get("command"))) byCall.remove(callId.toString());
        else if ("ok".equals(answer.get("result")) && !byCall.containsKey(callId.toString())) {
            long now = clock.getAsLong();
            for (long age = 24 * 3_600_000L; byCall.size() >= MAX_CALLS && age >= 60_000L; age /= 4) {
                long limit = age;
                byCall.values().removeIf(s -> now - s.since() > limit);
            }
            if (byCall.size() < MAX_CALLS) byCall.putIfAbsent(callId.toString(), new Sticky(p.instance, now));
        }
    }

    public int callsTracked() { return byCall.size(); }

    @Override
    public void close() {
        socket.close();
        timers.shutdownNow();
    }
}
