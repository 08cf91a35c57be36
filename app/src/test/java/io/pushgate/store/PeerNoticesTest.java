package io.pushgate.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.Test;

public class PeerNoticesTest {
    private static PeerNotices on(String url) {
        return new PeerNotices(new DatabaseSettings(url, "u", "", 1, 1000, 10));
    }

    @Test
    public void onlyAPostgresqlDatabaseIsShared() {
        assertTrue(on("jdbc:postgresql://127.0.0.1:5432/pushgate").active());
        assertFalse(on("jdbc:h2:file:./data/pushgate").active());
    }

    @Test
    public void manyKeysAreSplitUnderPostgresqlsPayloadLimitAndNoneIsLost() {
        PeerNotices notices = on("jdbc:postgresql://127.0.0.1:5432/pushgate");
        List<String> keys = IntStream.range(0, 2000).mapToObj(i -> "sip:user" + i + "@example.org").toList();
        List<String> payloads = notices.payloads(keys);
        assertTrue(payloads.size() > 1);
        Set<String> back = new HashSet<>();
        String sender = null;
        for (String p : payloads) {
            assertTrue(p.getBytes(StandardCharsets.UTF_8).length < 8000);
            String[] lines = p.split("\n");
            if (sender == null) sender = lines[0];
            assertEquals("every payload names the same sender", sender, lines[0]);
            back.addAll(List.of(lines).subList(1, lines.length));
        }
        assertEquals(new HashSet<>(keys), back);
    }
}
