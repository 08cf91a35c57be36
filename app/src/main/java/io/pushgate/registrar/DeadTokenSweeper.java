package io.pushgate.registrar;

import io.pushgate.push.PushDispatcher;
import io.pushgate.push.PushNotification;
import io.pushgate.push.PushOutcome;
import io.pushgate.push.PushParams;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the bindings whose push token a provider called dead: pushing them again can never
 * wake anything, and a binding that looks alive hides that the phone is lost. Bindings of the
 * same user with another token (another device, or the same one after a new token) stay.
 */
public final class DeadTokenSweeper implements PushDispatcher.TokenGoneListener {
    private static final Logger log = LoggerFactory.getLogger(DeadTokenSweeper.class);

    private final BindingStore bindings;

    public DeadTokenSweeper(BindingStore bindings) { this.bindings = bindings; }

    @Override
    public void accept(PushNotification n, PushOutcome o) {
        List<String> dead = new ArrayList<>();
        for (BindingRecord b : bindings.current(n.callee())) {
            try {
                PushParams p = PushParams.parseUri(b.contactUri()).orElse(null);
                if (p != null && p.provider().equals(n.target().provider()) && p.prid().equals(n.target().prid())) dead.add(b.id());
            } catch (PushParams.InvalidPushParams e) {
                // refused at REGISTER; nothing of ours
            }
        }
        if (dead.isEmpty()) return;
        bindings.update(n.callee(), List.of(), dead, false, Integer.MAX_VALUE);
        log.info("removed {} binding(s) of {} whose {} token is dead", dead.size(), n.callee(), o.provider());
    }
}
