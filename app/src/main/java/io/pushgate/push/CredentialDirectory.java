package io.pushgate.push;

import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A provider's directory of per-app credential files. */
public final class CredentialDirectory {
    private CredentialDirectory() {}

    /** Names, sizes and modification times of the files in {@code dir}: changes when one is added, removed or replaced. */
    public static String stamp(Path dir) {
        if (dir.toString().isEmpty() || !Files.isDirectory(dir)) return "absent";
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) b.append(fileStamp(f)).append('\n');
        } catch (IOException e) {
            return "unreadable " + e.getMessage();
        }
        return b.toString();
    }

    /** One file's name, size and modification time, or "absent". */
    public static String fileStamp(Path f) {
        try {
            return f.getFileName() + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return "absent";
        }
    }

    /** The default directory may be absent (no app of that kind); any other one named must exist. */
    public static void require(ConfigKey<Path> key, Path dir) {
        if (!dir.toString().isEmpty() && !dir.equals(Path.of(key.defaultText())) && !Files.isDirectory(dir)) {
            throw new ConfigException(key.qualifiedName(), "not a directory: " + dir);
        }
    }
}
