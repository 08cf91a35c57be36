package io.pushgate.push;

import io.pushgate.config.Config;
import io.pushgate.pipeline.Module;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A kind of push service: its configuration section and credential checks (as a module) and the
 * service it opens. The server lists providers with the other modules (server/Modules); a new one
 * is its own package plus that line.
 */
public interface PushProvider extends Module {
    /** The pn-provider values it takes, with this configuration. */
    Set<String> providers(Config config);

    /** Opens the service; {@code executor} is the push threads' pool, for any blocking work. */
    PushService open(Config config, ExecutorService executor);

    /**
     * What the credential files look like now (names, sizes, modification times). When it changes
     * the files are checked again and the service reopened with them, without a restart. Empty:
     * nothing to watch.
     */
    default String credentialsStamp(Config config) { return ""; }

    /** Certificates that expire before {@code horizon}, each said as "what expires when". */
    default List<String> expiringBefore(Config config, Instant horizon) { return List.of(); }
}
