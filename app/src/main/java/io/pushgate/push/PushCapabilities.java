package io.pushgate.push;

import java.util.List;

/** What the configured push services can do, as a REGISTER's answer tells the device. */
public interface PushCapabilities {
    /** True when a configured service takes this pn-provider value (else a REGISTER gets 555). */
    boolean supports(String provider);

    /** Feature-Caps indicators a device of this provider is told besides {@code +sip.pns} (WebPush: {@code +sip.vapid}). */
    List<String> featureCaps(String provider);

    /**
     * What a registrar that hands calls for sleeping phones to a push application server can do:
     * any provider, since that server pushes with credentials of its own; the indicators are this
     * server's.
     */
    static PushCapabilities throughApplicationServer(PushCapabilities local) {
        return new PushCapabilities() {
            @Override public boolean supports(String provider) { return true; }
            @Override public List<String> featureCaps(String provider) { return local.featureCaps(provider); }
        };
    }
}
