package io.pushgate.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/** Remembers database look-ups (found or not) for a short time; bounded, cleared when full. */
public final class ExpiringCache<K, V> {
    private final long ttlMs;
    private final int maxEntries;
    private final LongSupplier clock;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

    private record Entry<V>(V value, long at) {}

    public ExpiringCache(long ttlMs, int maxEntries, LongSupplier clock) {
        this.ttlMs = ttlMs;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    public Optional<V> get(K key, Function<K, V> loader) {
        long now = clock.getAsLong();
        Entry<V> e = entries.get(key);
        if (e == null || now - e.at > ttlMs) {
            e = new Entry<>(loader.apply(key), now);
            if (entries.size() >= maxEntries) entries.clear();
            entries.put(key, e);
        }
        return Optional.ofNullable(e.value);
    }

    public void forget(K key) {
        entries.remove(key);
    }
}
