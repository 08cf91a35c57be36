package io.pushgate.wakeup;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;

/** The [wake-up] section: background pushes that ask a device to register again before its binding expires. */
public record WakeUpSettings(int beforeSeconds, Devices devices, int retrySeconds) {

    /** Which push devices get wake-up pushes. */
    public enum Devices {
        /** Those whose Contact carries +sip.pnsreg (RFC 8599): they rely on us; the others refresh by themselves. */
        PNSREG,
        /** Every binding with push parameters. */
        ALL
    }

    public static final ConfigSection SECTION = new ConfigSection("wake-up",
            "Background pushes asking a device to register again before its binding expires (RFC 8599 sip.pnsreg).");
    static final ConfigKey<Integer> BEFORE = SECTION.integer("before", 120, 0, 86_400,
            "Seconds before a binding expires that its device is pushed to register again; 0 sends none.");
    static final ConfigKey<Devices> DEVICES = SECTION.choice("devices", Devices.PNSREG, Devices.class,
            "pnsreg: only devices whose Contact carries +sip.pnsreg; all: every device with push parameters.");
    static final ConfigKey<Integer> RETRY = SECTION.integer("retry", 20, 1, 3600,
            "Seconds before pushing again a device that did not register after a wake-up push; doubled each time, until the binding expires.");

    public static WakeUpSettings from(Config c) {
        return new WakeUpSettings(c.get(BEFORE), c.get(DEVICES), c.get(RETRY));
    }

    public boolean enabled() { return beforeSeconds > 0; }
}
