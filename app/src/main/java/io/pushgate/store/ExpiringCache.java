package io.pushgate.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/** Remembers database look-ups (found or not) for a time; bounded, cleared when full. */
public final class ExpiringCache<K, V> {
    private final long ttlMs;
    private final int maxEntries;
    private final LongSupplier clock;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    /** Entries loaded before the last {@link #clear} are stale even if a slow loader stored them after it. */
    private final AtomicLong generation = new AtomicLong();

    private record Entry<V>(V value, long at, long generation) {}

    public ExpiringCache(long ttlMs, int maxEntries, LongSupplier clock) {
        this.ttlMs = ttlMs;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    public Optional<V> get(K key, Function<K, V> loader) {
        long now = clock.getAsLong();
        long gen = generation.get();
        Entry<V> e = entries.get(key);
        if (e == null || now - e.at > ttlMs || e.generation != gen) {
            e = new Entry<>(loader.apply(key), now, gen);
            if (entries.size() >= maxEntries) entries.clear();
            entries.put(key, e);
        }
        return Optional.ofNullable(e.value);
    }

    public void forget(K key) {
        entries.remove(key);
    }

    /** Forgets every entry, including those whose loading is under way. */
    public void clear() {
        generation.incrementAndGet();
        entries.clear();
    }
}
