package io.pushgate.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.pushgate.api.ApiRoute;
import io.pushgate.api.ApiRouter;
import io.pushgate.api.ApiServlet;
import io.pushgate.config.Config;
import io.pushgate.testing.SipText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Test;

/** Every route the server assembles is in docs/openapi.json (which the archive serves), and nothing else is. */
public class OpenApiTest {
    @Test
    public void theOpenApiDescriptionHasEveryRouteAndOnlyThem() throws Exception {
        Config config = Config.parse("[database]\nurl = jdbc:h2:mem:openapi" + System.nanoTime() + ";DB_CLOSE_DELAY=-1\n", Modules.sections());
        Set<String> inCode = new TreeSet<>();
        try (Pushgate app = new Pushgate(config, SipText.factory(), List.<String[]>of(new String[] {"127.0.0.1", "5060"}))) {
            ApiRouter router = (ApiRouter) app.webAttributes().get(ApiServlet.ROUTER);
            for (ApiRoute r : router.routes()) inCode.add(r.method() + " " + r.template());
        }
        JsonObject doc = JsonParser.parseString(Files.readString(Path.of("..", "docs", "openapi.json"))).getAsJsonObject();
        Set<String> documented = new TreeSet<>();
        for (var path : doc.getAsJsonObject("paths").entrySet()) {
            for (String method : path.getValue().getAsJsonObject().keySet()) documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
        assertTrue(inCode.size() > 10);
        assertEquals(inCode, documented);
        assertTrue("the archive carries it", getClass().getResource(WebParts.OPENAPI) != null);
    }
}
