package io.pushgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Key material the server writes (its TLS key store, a VAPID key pair): the file is made readable by its owner only before a byte goes in. */
public final class SecretFile {
    private SecretFile() {}

    public static void write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file); // the directory's own protection applies
        }
        Files.write(file, content);
    }
}
