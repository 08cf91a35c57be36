package io.pushgate.config;

/** A configuration error; the message names the key (section.key) and says why. */
public class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String why) {
        super(key + ": " + why);
        this.key = key;
    }

    public String key() { return key; }
}
