package io.pushgate.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class ConfigurationTest {
    private static final List<ConfigSection> SCHEMA = Modules.sections();

    @Test
    public void defaultsParseAndRenderEveryKeyWithItsDescription() {
        String text = Config.render(SCHEMA);
        for (ConfigSection s : SCHEMA) {
            assertTrue(text.contains("[" + s.name() + "]"));
            for (ConfigKey<?> k : s.keys()) {
                assertTrue(k.qualifiedName(), text.contains("\n" + k.name() + " = " + k.defaultText() + "\n"));
                assertFalse(k.qualifiedName() + " has no description", k.description().isBlank());
            }
        }
        // the rendered defaults are themselves a valid configuration, for the default role
        assertEquals(ServerRole.REGISTRAR, Modules.check(Config.parse(text, SCHEMA), w -> fail(w)));
    }

    @Test
    public void badValueNamesTheKeyAndWhy() {
        expectError("[registrar]\nmin-expires = soon\n", "registrar.min-expires", "not a whole number");
        expectError("[registrar]\nmax-contacts = 0\n", "registrar.max-contacts", "between 1 and 1000");
        expectError("[auth]\nenabled = maybe\n", "auth.enabled", "true or false");
        expectError("[auth]\npassword-storage = rot13\n", "auth.password-storage", "expected one of");
        expectError("[server]\nrole = proxy\n", "server.role", "expected one of [registrar, gateway, push-server]");
    }

    @Test
    public void unknownKeysAndSectionsAreErrors() {
        expectError("[registrar]\nmin-expire = 10\n", "registrar.min-expire", "unknown key");
        expectError("[registrr]\n", "registrr", "unknown section");
        expectError("min-expires = 10\n", "line 1", "outside any [section]");
        expectError("[registrar]\nmin-expires\n", "line 2", "expected 'key = value'");
    }

    @Test
    public void theRoleIsOneKey() {
        assertEquals(ServerRole.GATEWAY, role("[server]\nrole = gateway\n", List.of()));
        assertEquals(ServerRole.PUSH_SERVER, role("[server]\nrole = push-server\n[push-server]\nproxy = 127.0.0.1:5060\n", List.of()));
        assertEquals(ServerRole.REGISTRAR, role("", List.of()));
    }

    @Test
    public void theOldRoleBooleansStillWorkWithAWarningNamingTheNewKey() {
        List<String> warnings = new ArrayList<>();
        assertEquals(ServerRole.GATEWAY, role("[gateway]\nenabled = true\n", warnings));
        assertEquals(ServerRole.PUSH_SERVER, role("[push-server]\nserve = true\nproxy = 127.0.0.1\n", warnings));
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).contains("gateway.enabled") && warnings.get(0).contains("[server] role = gateway"));
        assertTrue(warnings.get(1), warnings.get(1).contains("push-server.serve") && warnings.get(1).contains("[server] role = push-server"));
    }

    @Test
    public void contradictoryRolesAreRefused() {
        expectCheckError("[gateway]\nenabled = true\n[push-server]\nserve = true\nproxy = h\n", "server.role", "both on");
        expectCheckError("[server]\nrole = registrar\n[gateway]\nenabled = true\n", "server.role", "asks for gateway");
    }

    private static ServerRole role(String text, List<String> warnings) {
        return Modules.check(Config.parse(text, SCHEMA), warnings::add);
    }

    private static void expectCheckError(String text, String key, String why) {
        try {
            role(text, new ArrayList<>());
            fail("accepted: " + text);
        } catch (ConfigException e) {
            assertEquals(key, e.key());
            assertTrue(e.getMessage(), e.getMessage().contains(why));
        }
    }

    private static void expectError(String text, String key, String why) {
        try {
            Config.parse(text, SCHEMA);
            fail("accepted: " + text);
        } catch (ConfigException e) {
            assertEquals(key, e.key());
            assertTrue(e.getMessage(), e.getMessage().contains(why));
        }
    }
}
