package io.pushgate.push.fcm;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class FcmSettingsTest {
    @Test
    public void theApiIsReachedOverHttpsOrPlainHttpOnThisMachineOnly() {
        assertEquals("https://fcm.googleapis.com", FcmSettings.secure("https://fcm.googleapis.com"));
        assertEquals("http://127.0.0.1:8080", FcmSettings.secure("http://127.0.0.1:8080"));
        assertEquals("http://localhost:8080", FcmSettings.secure("http://localhost:8080"));
        assertThrows(IllegalArgumentException.class, () -> FcmSettings.secure("http://fcm.googleapis.com"));
        assertThrows(IllegalArgumentException.class, () -> FcmSettings.secure("ftp://127.0.0.1"));
    }
}
