package io.pushgate.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One documented configuration key: its name, its default, a one-line description and how a
 * value is read. A bad value is reported as a {@link ConfigException} naming the key.
 */
public final class ConfigKey<T> {
    private final ConfigSection section;
    private final String name;
    private final String defaultText;
    private final String description;
    private final Function<String, T> parser;

    ConfigKey(ConfigSection section, String name, String defaultText, String description, Function<String, T> parser) {
        this.section = section;
        this.name = name;
        this.defaultText = defaultText;
        this.description = description;
        this.parser = parser;
    }

    public ConfigSection section() { return section; }
    public String name() { return name; }
    public String qualifiedName() { return section.name() + "." + name; }
    public String defaultText() { return defaultText; }
    public String description() { return description; }

    /** Reads a raw value; every parse failure becomes a ConfigException naming this key. */
    public T parse(String raw) {
        try {
            return Objects.requireNonNull(parser.apply(raw.trim()));
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ConfigException(qualifiedName(), "'" + raw.trim() + "' is not valid: " + why);
        }
    }
}
