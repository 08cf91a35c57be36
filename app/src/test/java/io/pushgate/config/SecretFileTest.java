package io.pushgate.config;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SecretFileTest {
    @Rule public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void keyMaterialIsReadableByItsOwnerOnlyEvenOverAFileThatWasNot() throws Exception {
        Path dir = tmp.newFolder().toPath();
        Path f = dir.resolve("keys/tls.p12");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        SecretFile.write(f, new byte[] {1, 2, 3});
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(3, Files.size(f));
    }
}
