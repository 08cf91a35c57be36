package io.pushgate.fuzz;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * Jazzer, coverage-guided, on each target in a JVM of its own (Jazzer fuzzes one target per
 * process). In bin/test a fixed number of inputs from a fixed seed, so that the same code meets
 * the same inputs on every machine and a build fails for a change, not for luck; bench/fuzz.sh
 * sets fuzz.seconds and a random seed, for new findings. A failing input is written to
 * target/fuzz/TARGET/findings; once the bug is fixed it goes to fuzz/corpus/TARGET, where
 * CorpusTest replays it from then on.
 */
public class FuzzingTest {
    @Test
    public void noTargetFailsWithinTheBoundedRun() throws Exception {
        int seconds = Integer.getInteger("fuzz.seconds", 0);
        List<String> failed = new ArrayList<>();
        for (FuzzTargets t : FuzzTargets.all()) {
            Path work = Path.of(System.getProperty("fuzz.work", "target/fuzz"), t.corpusName());
            Path generated = work.resolve("corpus");
            // the inputs an earlier run kept would change what this one tries
            if (seconds == 0 && Files.isDirectory(generated)) {
                try (var old = Files.list(generated)) {
                    for (Path f : old.toList()) Files.delete(f);
                }
            }
            Files.createDirectories(generated);
            Path findings = Files.createDirectories(work.resolve("findings"));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    "com.code_intelligence.jazzer.Jazzer",
                    "--target_class=" + t.type.getName(),
                    "--instrumentation_includes=io.pushgate.**:gov.nist.**:org.mobicents.**",
                    seconds > 0 ? "-max_total_time=" + seconds : "-runs=" + t.testRuns,
                    seconds > 0 ? "-seed=0" : "-seed=20261205",
                    "-timeout=10", "-rss_limit_mb=2048",
                    "-artifact_prefix=" + findings + "/",
                    generated.toString()));
            for (Path seeds : CorpusTest.seedDirectories(t)) if (Files.isDirectory(seeds)) command.add(seeds.toString());
            Path log = work.resolve("jazzer.log");
            Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(Math.max(seconds, 60) + 180L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                failed.add(t.corpusName() + ": did not stop, see " + log);
            } else if (p.exitValue() != 0) {
                failed.add(t.corpusName() + ": exit " + p.exitValue() + ", the input is in " + findings + ", the trace in " + log);
            }
        }
        assertEquals("Jazzer found failing inputs", List.of(), failed);
    }
}
