package io.pushgate.fuzz;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * Every saved input of every target, replayed without the fuzzer: the seeds, and each input a
 * fuzzing run once failed on (kept in fuzz/corpus/TARGET as a regression test once fixed).
 */
public class CorpusTest {
    @Test
    public void everySavedInputIsHandledOrRefusedCleanly() throws Exception {
        List<String> failures = new ArrayList<>();
        int replayed = 0;
        for (FuzzTargets t : FuzzTargets.all()) {
            FuzzTarget target = t.target.get();
            for (Path file : inputs(t)) {
                replayed++;
                try {
                    target.run(Files.readAllBytes(file));
                } catch (Throwable e) {
                    failures.add(t.corpusName() + "/" + file.getFileName() + ": " + e);
                }
            }
        }
        assertTrue("a corpus was found", replayed > 0);
        if (!failures.isEmpty()) fail(failures.size() + " saved inputs fail:\n" + String.join("\n", failures));
    }

    @Test
    public void aSeedRegistrationReachesTheRegistrarOnlyWhereItCountsAsAuthenticated() throws Exception {
        SipMessageTarget sip = SipMessageTarget.instance();
        int before = sip.bindingsStoredAsAuthenticated();
        sip.run(Files.readAllBytes(Path.of(System.getProperty("fuzz.corpus", "corpus"), "sip", "register-linphone.txt")));
        assertTrue("the harness reaches the registrar", sip.bindingsStoredAsAuthenticated() > before);
    }

    /** The seed and regression inputs of a target: its corpus directory, and any extra seed directory the build names. */
    static List<Path> seedDirectories(FuzzTargets t) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(Path.of(System.getProperty("fuzz.corpus", "corpus"), t.corpusName()));
        String extra = System.getProperty("fuzz.seeds." + t.corpusName());
        if (extra != null) dirs.add(Path.of(extra));
        return dirs;
    }

    private static List<Path> inputs(FuzzTargets t) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : seedDirectories(t)) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        return files;
    }
}
