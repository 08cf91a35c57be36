package io.pushgate.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import org.junit.Test;

public class ConfigTest {
    private static final List<ConfigSection> SCHEMA = AppSchema.SECTIONS;

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
        // the rendered defaults are themselves a valid configuration
        Config.parse(text, SCHEMA, true);
    }

    @Test
    public void badValueNamesTheKeyAndWhy() {
        expectError("[registrar]\nmin-expires = soon\n", "registrar.min-expires", "not a whole number");
        expectError("[registrar]\nmax-contacts = 0\n", "registrar.max-contacts", "between 1 and 1000");
        expectError("[auth]\nenabled = maybe\n", "auth.enabled", "true or false");
        expectError("[auth]\npassword-storage = rot13\n", "auth.password-storage", "expected one of");
    }

    @Test
    public void unknownKeysAndSectionsAreErrorsWhenStrict() {
        expectError("[registrar]\nmin-expire = 10\n", "registrar.min-expire", "unknown key");
        expectError("[registrr]\n", "registrr", "unknown section");
        expectError("min-expires = 10\n", "line 1", "outside any [section]");
        expectError("[registrar]\nmin-expires\n", "line 2", "expected 'key = value'");
    }

    @Test
    public void lenientParsingSkipsSectionsOwnedByTheLauncher() {
        Config c = Config.parse("[server]\nudp-port = 5070\n[registrar]\nmax-contacts = 3\n", SCHEMA, false);
        assertEquals(3, io.pushgate.registrar.RegistrarSettings.from(c).maxContacts());
    }

    private static void expectError(String text, String key, String why) {
        try {
            Config.parse(text, SCHEMA, true);
            fail("accepted: " + text);
        } catch (ConfigException e) {
            assertEquals(key, e.key());
            assertTrue(e.getMessage(), e.getMessage().contains(why));
        }
    }
}
