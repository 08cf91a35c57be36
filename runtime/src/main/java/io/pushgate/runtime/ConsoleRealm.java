package io.pushgate.runtime;

import io.pushgate.console.ConsoleUsers;
import java.security.Principal;
import java.util.List;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.realm.RealmBase;

/**
 * The container's realm: the console users of Pushgate's database with their Tomcat roles, for
 * the container's Manager and Pushgate's console alike (one login for both). The password given
 * is never kept in the principal.
 */
final class ConsoleRealm extends RealmBase {
    private final ConsoleUsers users;

    ConsoleRealm(ConsoleUsers users) {
        this.users = users;
    }

    @Override
    public Principal authenticate(String username, String credentials) {
        try {
            return users.authenticate(username, credentials).map(roles -> (Principal) new GenericPrincipal(username, null, roles)).orElse(null);
        } catch (RuntimeException databaseDown) {
            containerLog.warn("console login of " + username + " not checked: " + databaseDown.getMessage());
            return null;
        }
    }

    @Override
    protected String getName() { return "PushgateConsoleRealm"; }

    /** Only hashes are kept: digest authentication against this realm is not possible. */
    @Override
    protected String getPassword(String username) { return null; }

    @Override
    protected Principal getPrincipal(String username) {
        return new GenericPrincipal(username, null, List.of());
    }
}
