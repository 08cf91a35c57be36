package io.pushgate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration values read from an INI-style file ({@code [section]} then {@code key = value}),
 * checked against the documented sections. Keys absent from the file take their default.
 */
public final class Config {
    private final List<ConfigSection> schema;
    private final Map<String, Map<String, String>> values;
    private final Map<ConfigKey<?>, Object> parsed = new HashMap<>();

    private Config(List<ConfigSection> schema, Map<String, Map<String, String>> values) {
        this.schema = schema;
        this.values = values;
    }

    /** The defaults only. */
    public static Config defaults(List<ConfigSection> schema) {
        return new Config(schema, Map.of());
    }

    /** Parses text; unknown sections and keys are errors naming them. */
    public static Config parse(String text, List<ConfigSection> schema) {
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        Map<String, ConfigSection> byName = new HashMap<>();
        for (ConfigSection s : schema) byName.put(s.name(), s);
        String section = null;
        int lineNo = 0;
        for (String line : text.split("\r?\n", -1)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) continue;
            if (t.startsWith("[")) {
                if (!t.endsWith("]")) throw new ConfigException("line " + lineNo, "section header not closed: " + t);
                section = t.substring(1, t.length() - 1).strip();
                if (!byName.containsKey(section)) {
                    throw new ConfigException(section, "unknown section (line " + lineNo + "); known: " + byName.keySet());
                }
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) throw new ConfigException("line " + lineNo, "expected 'key = value', got: " + t);
            if (section == null) throw new ConfigException("line " + lineNo, "key outside any [section]: " + t);
            String key = t.substring(0, eq).strip();
            String value = t.substring(eq + 1).strip();
            ConfigSection s = byName.get(section);
            if (s.key(key) == null) {
                throw new ConfigException(section + "." + key, "unknown key (line " + lineNo + ")");
            }
            values.computeIfAbsent(section, x -> new LinkedHashMap<>()).put(key, value);
        }
        Config c = new Config(schema, values);
        c.validate();
        return c;
    }

    public static Config load(Path file, List<ConfigSection> schema) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("config", "cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, schema);
    }

    /** Parses every key of every section once, so a bad value fails at start-up, not at first use. */
    private void validate() {
        for (ConfigSection s : schema) for (ConfigKey<?> k : s.keys()) get(k);
    }

    @SuppressWarnings("unchecked")
    public synchronized <T> T get(ConfigKey<T> key) {
        Object v = parsed.get(key);
        if (v == null) {
            String raw = values.getOrDefault(key.section().name(), Map.of()).get(key.name());
            v = key.parse(raw != null ? raw : key.defaultText());
            parsed.put(key, v);
        }
        return (T) v;
    }

    /** True when the file set this key explicitly. */
    public boolean isSet(ConfigKey<?> key) {
        return values.getOrDefault(key.section().name(), Map.of()).containsKey(key.name());
    }

    /** The documented default configuration: every section, every key with its default and description. */
    public static String render(List<ConfigSection> schema) {
        StringBuilder b = new StringBuilder();
        b.append("# Pushgate configuration. Every key is shown with its default value.\n");
        for (ConfigSection s : schema) {
            b.append("\n# ").append(s.description()).append('\n');
            b.append('[').append(s.name()).append("]\n");
            for (ConfigKey<?> k : s.keys()) {
                b.append("# ").append(k.description()).append('\n');
                b.append(k.name()).append(" = ").append(k.defaultText()).append('\n');
            }
        }
        return b.toString();
    }
}
