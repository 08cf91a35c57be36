package io.pushgate.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Every rule docs/configuration.md lists is fed to check-config with its example file: exit
 * status 2 and the key named. The rule table and the examples must cover the same keys.
 */
public class ConfigRulesTest {
    @Rule public final TemporaryFolder tmp = new TemporaryFolder();

    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    /** One example: the key its "# rule:" line names and the file text. */
    private record Example(String key, String text) {}

    private static String rulesSection() throws Exception {
        String doc = Files.readString(DOC);
        int at = doc.indexOf("## Rules checked before start");
        assertTrue("docs/configuration.md has its rules section", at > 0);
        return doc.substring(at);
    }

    private static List<Example> examples() throws Exception {
        List<Example> out = new ArrayList<>();
        Matcher m = Pattern.compile("```ini\n# rule: (\\S+)\n(.*?)```", Pattern.DOTALL).matcher(rulesSection());
        while (m.find()) out.add(new Example(m.group(1), m.group(2)));
        return out;
    }

    /** Keys named in the first column of the rules table. */
    private static Set<String> tableKeys() throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        for (String line : rulesSection().split("\n")) {
            if (!line.startsWith("| `")) continue;
            Matcher m = Pattern.compile("`([a-z-]+\\.[a-z-]+)`").matcher(line.split("\\|")[1]);
            while (m.find()) keys.add(m.group(1));
        }
        return keys;
    }

    @Test
    public void everyDocumentedRuleStopsCheckConfigWithStatus2NamingItsKey() throws Exception {
        List<Example> examples = examples();
        assertTrue(examples.size() > 20);
        for (Example e : examples) {
            Path dir = tmp.newFolder().toPath();
            StringBuilder ini = new StringBuilder();
            for (String line : e.text().replace("$DIR", dir.toString()).split("\n")) {
                if (line.startsWith("#> ")) {
                    int eq = line.indexOf(" = ");
                    Path file = Path.of(line.substring(3, eq));
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, line.substring(eq + 3).replace("\\n", "\n"));
                } else {
                    ini.append(line).append('\n');
                }
            }
            Path config = dir.resolve("pushgate.ini");
            Files.writeString(config, ini);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Launcher.run(new String[] {"check-config", "--config", config.toString()}, new PrintStream(out, true), new PrintStream(err, true));
            assertEquals(e.key() + ": " + err, 2, status);
            assertTrue(e.key() + " not named: " + err, err.toString().contains("configuration error: " + e.key() + ":"));
        }
    }

    @Test
    public void theRuleTableAndTheExamplesCoverTheSameKeys() throws Exception {
        Set<String> tried = new LinkedHashSet<>();
        for (Example e : examples()) tried.add(e.key());
        assertEquals(tableKeys(), tried);
    }
}
