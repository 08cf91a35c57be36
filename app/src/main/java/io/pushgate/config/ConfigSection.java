package io.pushgate.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** A named group of keys owned by one module; each module declares its section next to its code. */
public final class ConfigSection {
    private final String name;
    private final String description;
    private final List<ConfigKey<?>> keys = new ArrayList<>();

    public ConfigSection(String name, String description) {
        this.name = name;
        this.description = description;
    }

    public String name() { return name; }
    public String description() { return description; }
    public List<ConfigKey<?>> keys() { return Collections.unmodifiableList(keys); }

    public ConfigKey<?> key(String keyName) {
        for (ConfigKey<?> k : keys) if (k.name().equals(keyName)) return k;
        return null;
    }

    public <T> ConfigKey<T> key(String keyName, String defaultText, String description, Function<String, T> parser) {
        if (key(keyName) != null) throw new IllegalStateException("duplicate key " + name + "." + keyName);
        ConfigKey<T> k = new ConfigKey<>(this, keyName, defaultText, description, parser);
        keys.add(k);
        return k;
    }

    public ConfigKey<String> string(String keyName, String def, String description) {
        return key(keyName, def, description, s -> s);
    }

    public ConfigKey<Integer> integer(String keyName, int def, int min, int max, String description) {
        return key(keyName, Integer.toString(def), description, s -> {
            int v;
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number");
            }
            if (v < min || v > max) throw new IllegalArgumentException("must be between " + min + " and " + max);
            return v;
        });
    }

    public ConfigKey<Boolean> bool(String keyName, boolean def, String description) {
        return key(keyName, Boolean.toString(def), description, s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        });
    }

    /** A list written as words separated by spaces or commas; empty is allowed. */
    public ConfigKey<List<String>> list(String keyName, String def, String description) {
        return key(keyName, def, description, s -> s.isBlank() ? List.of()
                : Arrays.stream(s.split("[,\\s]+")).filter(w -> !w.isEmpty()).toList());
    }

    public <E extends Enum<E>> ConfigKey<E> choice(String keyName, E def, Class<E> type, String description) {
        return key(keyName, token(def), description, s -> {
            for (E e : type.getEnumConstants()) if (token(e).equalsIgnoreCase(s)) return e;
            throw new IllegalArgumentException("expected one of " + Arrays.stream(type.getEnumConstants()).map(ConfigSection::token).toList());
        });
    }

    public ConfigKey<Path> path(String keyName, String def, String description) {
        return key(keyName, def, description, s -> s.isEmpty() ? Path.of("") : Path.of(s));
    }

    static String token(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
