package io.pushgate.push;

import java.util.List;

/** What the configured push services can do, as a REGISTER's answer tells the device. */
public interface PushCapabilities {
    /** True when a configured service takes this pn-provider value (else a REGISTER gets 555). */
    boolean supports(String provider);

    /** Feature-Caps indicators a device of this provider is told besides {@code +sip.pns} (WebPush: {@code +sip.vapid}). */
    List<String> featureCaps(String provider);
}
