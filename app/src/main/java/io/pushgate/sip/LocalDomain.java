package io.pushgate.sip;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigKey;
import io.pushgate.config.ConfigSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

/**
 * The one SIP domain Pushgate serves. It may be known under several names (host names and the
 * addresses it listens on); an address-of-record is always written with the first name.
 */
public final class LocalDomain {
    public static final ConfigSection SECTION = new ConfigSection("domain",
            "The SIP domain served by the registrar; all names are the same domain.");
    static final ConfigKey<List<String>> NAMES = SECTION.list("names", "localhost 127.0.0.1",
            "Names of the domain; the first is canonical. The listening addresses are added automatically.");

    private final String canonical;
    private final Set<String> names = new CopyOnWriteArraySet<>();
    private final List<String> listening = new java.util.concurrent.CopyOnWriteArrayList<>();

    public LocalDomain(List<String> names) {
        if (names.isEmpty()) throw new IllegalArgumentException("at least one domain name is needed");
        this.canonical = names.get(0).toLowerCase(Locale.ROOT);
        for (String n : names) this.names.add(n.toLowerCase(Locale.ROOT));
    }

    public static LocalDomain from(Config c) {
        List<String> names = c.get(NAMES);
        if (names.isEmpty()) throw new io.pushgate.config.ConfigException(NAMES.qualifiedName(), "at least one name is needed");
        return new LocalDomain(new ArrayList<>(names));
    }

    /** Adds a listening address (host or host:port) as a name of this domain. */
    public void addListeningAddress(String host, int port) {
        names.add(host.toLowerCase(Locale.ROOT));
        names.add((host + ":" + port).toLowerCase(Locale.ROOT));
        listening.add((host + ":" + port).toLowerCase(Locale.ROOT));
    }

    /** True when host:port is one of our own listening addresses (port -1 means 5060). */
    public boolean isListening(String host, int port) {
        return host != null && listening.contains((host + ":" + (port > 0 ? port : 5060)).toLowerCase(Locale.ROOT));
    }

    /** The first listening address as host:port. */
    public String firstListeningAddress() {
        return listening.isEmpty() ? canonical : listening.get(0);
    }

    /** The host of the first listening address (media is sent from it when nothing else is configured). */
    public String firstListeningHost() {
        if (listening.isEmpty()) return canonical;
        String first = listening.get(0);
        return first.substring(0, first.lastIndexOf(':')).replace("[", "").replace("]", "");
    }

    public String canonical() { return canonical; }

    public boolean isLocal(String host) {
        return host != null && names.contains(host.toLowerCase(Locale.ROOT));
    }

    public boolean isLocal(URI uri) {
        if (!(uri instanceof SipURI sip)) return false;
        String host = sip.getHost();
        if (isLocal(host)) return true;
        int port = sip.getPort();
        return port > 0 && isLocal(host + ":" + port);
    }

    /** The user part of a local SIP URI, or null when the URI is not a local user. */
    public String localUser(URI uri) {
        if (!isLocal(uri)) return null;
        String user = ((SipURI) uri).getUser();
        return user == null || user.isEmpty() ? null : user;
    }

    public String aor(String user) {
        return "sip:" + user + "@" + canonical;
    }
}
