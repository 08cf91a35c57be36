package io.pushgate.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The tests' temporary directories. A server's directory (tens of MB: the container, its
 * database) goes when the server is closed, the rest when the test JVM ends: a run of every test
 * left about 7 GB in /tmp before, and repeated runs filled the disk. PUSHGATE_KEEP_TEST_DIRS=1
 * keeps them, to look at after a failure.
 */
public final class TestDirs {
    private static final boolean KEEP = "1".equals(System.getenv("PUSHGATE_KEEP_TEST_DIRS"));
    private static final Set<Path> LEFT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LEFT.forEach(TestDirs::deleteTree), "test-dirs"));
    }

    private TestDirs() {}

    public static Path create(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        LEFT.add(dir);
        return dir;
    }

    public static void delete(Path dir) {
        LEFT.remove(dir);
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        if (KEEP || !Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a process still writing there; what is left goes with the next run's /tmp clean-up
        }
    }
}
