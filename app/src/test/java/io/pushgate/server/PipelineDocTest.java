package io.pushgate.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.pushgate.config.Config;
import io.pushgate.pipeline.RequestStep;
import io.pushgate.testing.SipText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** Every role is built as the server builds it, and its pipeline is the one docs/pipeline.md lists. */
public class PipelineDocTest {
    private static final Path DOC = Path.of("..", "docs", "pipeline.md");

    /** The step names of the table under "## role" in docs/pipeline.md, in order. */
    static List<String> documented(String role) throws Exception {
        List<String> steps = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("## ")) in = line.equals("## " + role);
            else if (in && line.matches("\\| \\d+ \\| `\\w+` \\|.*")) steps.add(line.split("`")[1]);
        }
        return steps;
    }

    /** The step names of the pipeline the server assembles for this configuration. */
    private static List<String> built(String ini) {
        Config config = Config.parse("[database]\nurl = jdbc:h2:mem:doc" + System.nanoTime() + ";DB_CLOSE_DELAY=-1\n"
                + "[push-server]\nrtp-ports = 43000-43009\n" + ini, Modules.sections());
        try (Pushgate app = new Pushgate(config, SipText.factory(), List.<String[]>of(new String[] {"127.0.0.1", "5060"}))) {
            List<String> names = new ArrayList<>();
            for (RequestStep s : app.pipeline().steps()) names.add(s.name());
            return names;
        }
    }

    @Test
    public void theRegistrarPipelineWithEveryOptionalStepIsTheDocumentedOne() throws Exception {
        List<String> doc = documented("registrar");
        assertTrue("docs/pipeline.md lists the registrar role", doc.size() > 10);
        assertEquals(doc, built("[media]\nrtpengine = 127.0.0.1:22222\n[push-server]\nroute-to = sip:127.0.0.2:5080\n[uac]\nroutes = prefix:9>trunk1\n"));
    }

    @Test
    public void theGatewayPipelineIsTheDocumentedOne() throws Exception {
        assertEquals(documented("gateway"), built("[server]\nrole = gateway\n"));
    }

    @Test
    public void thePushServerPipelineIsTheDocumentedOne() throws Exception {
        assertEquals(documented("push-server"), built("[server]\nrole = push-server\n[push-server]\nproxy = 127.0.0.1:5060\n"));
    }
}
