package io.pushgate.pipeline;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigSection;
import java.util.List;

/**
 * What one module (one package) brings to the server besides its pipeline steps: its
 * configuration sections, the entity classes of its tables, and the configuration rules that one
 * key alone cannot check. The server lists every module in one place (server/Modules).
 */
public interface Module {
    /** The module's configuration sections, in the order they are documented. */
    List<ConfigSection> sections();

    /** The Hibernate entity classes of the module's tables. */
    default List<Class<?>> entities() {
        return List.of();
    }

    /**
     * Rules that span keys or reach outside the file (a credential file that must be readable);
     * run by check-config and before anything starts. Throws a ConfigException naming the key.
     */
    default void check(Config config) {}
}
