package io.pushgate.runtime;

import io.pushgate.api.ApiKey;
import io.pushgate.api.ApiKeys;
import io.pushgate.console.ConsoleUser;
import io.pushgate.console.ConsoleUsers;
import io.pushgate.api.ApiScope;
import io.pushgate.api.ManagementSettings;
import io.pushgate.provisioning.LauncherLink;
import io.pushgate.provisioning.ProvisioningSettings;
import io.pushgate.auth.AuthSettings;
import io.pushgate.config.Config;
import io.pushgate.flood.FloodSettings;
import io.pushgate.flood.SourceRateLimit;
import io.pushgate.config.ConfigException;
import io.pushgate.routing.Alias;
import io.pushgate.routing.AliasTable;
import io.pushgate.server.Modules;
import io.pushgate.server.ServerRole;
import io.pushgate.server.ServerSettings;
import io.pushgate.sip.LocalDomain;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import io.pushgate.store.StoreUnavailableException;
import io.pushgate.subscriber.Subscriber;
import io.pushgate.subscriber.SubscriberDirectory;
import io.pushgate.uac.UacSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.log4j.ConsoleAppender;
import org.apache.log4j.Level;
import org.apache.log4j.Logger;
import org.apache.log4j.PatternLayout;

/**
 * Entry point of {@code bin/pushgate}. Exit status: 0 done, 1 start-up or command failed,
 * 2 bad configuration or usage.
 */
public final class Launcher {
    static final String USAGE = """
            usage: pushgate run [--config FILE]          start the server (embedded defaults without --config)
                   pushgate default-config              print every configuration key with its default and description
                   pushgate check-config --config FILE  validate a configuration file
                   pushgate subscriber add USER | passwd USER | push USER on|off | remove USER | list   [--config FILE]
                                            (the password asked, or on standard input, or --password-file FILE)
                   pushgate subscriber import FILE       add accounts from lines "user;password"   [--config FILE]
                   pushgate alias add NAME TARGET | remove NAME | list                                 [--config FILE]
                   pushgate uac list | info | add | remove | enable | disable | register | unregister | reload | import   [--config FILE]
                                                        remote registrations with providers (pushgate uac for details)
                   pushgate send-request METHOD REQUEST-URI [--from URI] [--to URI] [--header "N: v"]... [--proxy HOST:PORT]
                   pushgate api-key add NAME --scope admin|provision|read | revoke NAME | list         [--config FILE]
                   pushgate zero-config-link USER        the sip:carrier launcher link; the password on standard input
                   pushgate console-user add NAME --roles R,R | remove NAME | list              [--config FILE]
                                                        the consoles' users (password on standard input); roles:
                                                        pushgate-console, manager-gui, manager-script, manager-jmx, manager-status
                   pushgate trace CALL-ID | --recent [N] what happened to a call for a push-capable device     [--config FILE]
            """;
    /** Set by bin/pushgate: the Pushgate archive deployed when server.deploy-dir is empty. */
    static final String DEFAULT_ARCHIVE_PROPERTY = "pushgate.default-archive";

    public static void main(String[] args) {
        // H2's AUTO_SERVER (the embedded default, so that the CLI works while the server runs)
        // opens a TCP port; on every interface unless told otherwise.
        if (System.getProperty("h2.bindAddress") == null) System.setProperty("h2.bindAddress", "127.0.0.1");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        return run(argv, System.in, out, err);
    }

    static int run(String[] argv, java.io.InputStream in, PrintStream out, PrintStream err) {
        List<String> args = new ArrayList<>(List.of(argv));
        Path configFile = null;
        int at = args.indexOf("--config");
        if (at >= 0) {
            if (at + 1 >= args.size()) return usage(err, "--config needs a file");
            configFile = Path.of(args.get(at + 1));
            args.subList(at, at + 2).clear();
        }
        String command = args.isEmpty() ? "run" : args.remove(0);
        try {
            if (command.equals("default-config")) {
                out.print(Config.render(Modules.sections()));
                return 0;
            }
            Config config = configFile == null ? Config.defaults(Modules.sections()) : Modules.load(configFile);
            ServerSettings server = ServerSettings.from(config);
            configureLogging(command.equals("run") ? server.logLevel() : "WARN", command.equals("run") && server.jsonLog());
            switch (command) {
                case "check-config" -> {
                    ServerRole role = Modules.check(config, w -> err.println("pushgate: warning: " + w));
                    out.println("configuration is valid (role " + role.token() + ")");
                    return 0;
                }
                case "run" -> {
                    // every rule before anything starts; the application logs the warnings itself
                    Modules.check(config, w -> { });
                    return serve(config, configFile, server);
                }
                case "jvm-options" -> {
                    // for bin/pushgate, before it starts the server's JVM
                    out.println(server.collectorOptions(ServerRole.from(config, w -> { }) == ServerRole.PUSH_SERVER));
                    return 0;
                }
                case "subscriber" -> {
                    return subscriberCommand(args, config, in, out, err);
                }
                case "alias" -> {
                    return aliasCommand(args, config, out, err);
                }
                case "api-key" -> {
                    return apiKeyCommand(args, config, out, err);
                }
                case "zero-config-link" -> {
                    return launcherLinkCommand(args, config, in, out, err);
                }
                case "console-user" -> {
                    try (Database db = openDatabase(config)) {
                        return consoleUserCommand(args, new ConsoleUsers(db, System::currentTimeMillis), in, out, err);
                    }
                }
                case "trace" -> {
                    try (Database db = openDatabase(config)) {
                        return new TraceCommand(db, ManagementSettings.from(config), out, err).run(args);
                    }
                }
                case "send-request" -> {
                    return new SendRequestCommand(out, err).run(args);
                }
                case "uac" -> {
                    try (Database db = openDatabase(config)) {
                        return new UacCommand(db, UacSettings.from(config), in, out, err).run(args);
                    }
                }
                default -> {
                    return usage(err, "unknown command " + command);
                }
            }
        } catch (ConfigException e) {
            err.println("pushgate: configuration error: " + e.getMessage());
            return 2;
        } catch (StoreUnavailableException e) {
            err.println("pushgate: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("pushgate: " + e.getMessage());
            return 2;
        }
    }

    private static int serve(Config config, Path configFile, ServerSettings server) {
        Logger log = Logger.getLogger(Launcher.class);
        if (configFile != null) System.setProperty(Modules.CONFIG_PROPERTY, configFile.toAbsolutePath().toString());
        ManagementSettings management = ManagementSettings.from(config);
        FloodSettings flood = FloodSettings.from(config);
        FloodValve.limitWith(flood.enabled() ? new SourceRateLimit(flood, System::currentTimeMillis) : null);
        Database consoleUsers = openDatabase(config);
        SipContainer container = new SipContainer(server, management, new ConsoleRealm(new ConsoleUsers(consoleUsers, System::currentTimeMillis)));
        try {
            List<Path> archives = archives(server);
            container.start(archives);
        } catch (Exception e) {
            log.error("start-up failed: " + e.getMessage(), e);
            container.stop();
            consoleUsers.close();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            container.stop();
            consoleUsers.close();
            log.info("stopped");
        }, "pushgate-shutdown"));
        // Logged at WARN so that scripts and operators see it whatever log-level is set.
        log.warn("Pushgate ready: sip " + server.address() + " udp=" + server.udpPort() + " tcp=" + server.tcpPort()
                + " tls=" + server.tlsPort() + " ws=" + server.wsPort() + " wss=" + server.wssPort() + ", http "
                + server.httpAddress() + ":" + server.httpPort() + ", management " + (management.enabled()
                ? (management.tls() ? "https " : "http ") + management.address() + ":" + management.port() : "off"));
        SystemdNotifier.ready(management);
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The [auth] settings, whose realm defaults to the canonical domain name. */
    private static AuthSettings authSettings(Config config) {
        return AuthSettings.from(config, LocalDomain.from(config).canonical());
    }

    static List<Path> archives(ServerSettings server) throws java.io.IOException {
        if (server.deployDir().toString().isEmpty()) {
            String def = System.getProperty(DEFAULT_ARCHIVE_PROPERTY);
            if (def == null || !Files.isRegularFile(Path.of(def))) {
                throw new ConfigException("server.deploy-dir", "empty, and no built Pushgate archive was found (" + def + ")");
            }
            return List.of(Path.of(def));
        }
        if (!Files.isDirectory(server.deployDir())) throw new ConfigException("server.deploy-dir", "not a directory: " + server.deployDir());
        try (Stream<Path> s = Files.list(server.deployDir())) {
            List<Path> found = s.filter(p -> p.toString().endsWith(".sar")).sorted().toList();
            if (found.isEmpty()) throw new ConfigException("server.deploy-dir", "no .sar archive in " + server.deployDir());
            return found;
        }
    }

    static void configureLogging(String level, boolean json) {
        Logger root = Logger.getRootLogger();
        root.removeAllAppenders();
        root.addAppender(new ConsoleAppender(json ? new JsonLogLayout() : new PatternLayout("%d{ISO8601} %-5p [%t] %c{1} - %m%n"),
                ConsoleAppender.SYSTEM_ERR));
        root.setLevel(Level.WARN);
        Logger.getLogger("io.pushgate").setLevel(Level.toLevel(level));
        Logger.getLogger("org.hibernate").setLevel(Level.WARN);
        Logger.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        // Hibernate is on the launcher class path (for the CLI) and inside the archive; the duplicate service entries it skips are expected.
        Logger.getLogger("org.hibernate.boot.registry.classloading.internal.AggregatedServiceLoader").setLevel(Level.ERROR);
        // Tomcat logs through java.util.logging; keep its start-up chatter out of the operator's log.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) h.setLevel(java.util.logging.Level.WARNING);
    }

    private static Database openDatabase(Config config) {
        return new Database(DatabaseSettings.from(config), Modules.entities());
    }

    /**
     * A subscriber's password, never from the command line (it would show in ps and in shell
     * history): the first line of a file, else asked without echo or read from standard input.
     */
    private static String password(java.io.InputStream in, Path file, String user, PrintStream err) {
        try {
            String p = file != null ? Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8).stream().findFirst().orElse(null)
                    : SecretInput.read(in, "password of " + user);
            if (p == null || p.isEmpty()) err.println("pushgate: no password given for " + user);
            return p == null || p.isEmpty() ? null : p;
        } catch (java.io.IOException e) {
            err.println("pushgate: cannot read the password: " + e.getMessage());
            return null;
        }
    }

    private static int subscriberCommand(List<String> args, Config config, java.io.InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty()) return usage(err, "subscriber needs add, passwd, push, remove, import or list");
        AuthSettings auth = authSettings(config);
        try (Database db = openDatabase(config)) {
            SubscriberDirectory dir = new SubscriberDirectory(db, auth.realm(), auth.passwordStorage(), System::currentTimeMillis);
            String verb = args.get(0);
            switch (verb) {
                case "add", "passwd" -> {
                    String form = "subscriber " + verb + " USER [--password-file FILE] (else the password is asked, or read from standard input)";
                    boolean fromFile = args.size() == 4 && args.get(2).equals("--password-file");
                    if (args.size() != 2 && !fromFile) return usage(err, form);
                    String password = password(in, fromFile ? Path.of(args.get(3)) : null, args.get(1), err);
                    if (password == null) return 1;
                    if (verb.equals("add") && !dir.add(args.get(1), password)) {
                        err.println("pushgate: subscriber " + args.get(1) + " already exists");
                        return 1;
                    }
                    if (verb.equals("passwd") && !dir.changePassword(args.get(1), password)) return missing(err, "subscriber", args.get(1));
                    out.println(verb.equals("add") ? "added " + args.get(1) : "password changed for " + args.get(1));
                }
                case "push" -> {
                    if (args.size() != 3 || !List.of("on", "off").contains(args.get(2))) return usage(err, "subscriber push USER on|off");
                    if (!dir.markForPush(args.get(1), "on".equals(args.get(2)))) return missing(err, "subscriber", args.get(1));
                    out.println((("on".equals(args.get(2))) ? "marked " : "unmarked ") + args.get(1) + " for the push application server");
                }
                case "remove" -> {
                    if (args.size() != 2) return usage(err, "subscriber remove USER");
                    if (!dir.remove(args.get(1))) return missing(err, "subscriber", args.get(1));
                    out.println("removed " + args.get(1));
                }
                case "import" -> {
                    if (args.size() != 2) return usage(err, "subscriber import FILE");
                    List<String[]> accounts = new ArrayList<>();
                    try {
                        for (String line : Files.readAllLines(Path.of(args.get(1)))) {
                            int semi = line.indexOf(';');
                            if (semi > 0) accounts.add(new String[] {line.substring(0, semi).strip(), line.substring(semi + 1).strip()});
                        }
                    } catch (java.io.IOException e) {
                        err.println("pushgate: cannot read " + args.get(1) + ": " + e.getMessage());
                        return 1;
                    }
                    out.println("imported " + dir.importAll(accounts) + " of " + accounts.size());
                }
                case "list" -> {
                    for (Subscriber s : dir.list()) {
                        out.println(s.username() + "\t" + (s.password() != null ? "plaintext" : "ha1") + "\t" + s.realm() + (s.pushMarked() ? "\tpush" : ""));
                    }
                }
                default -> {
                    return usage(err, "unknown subscriber command " + verb);
                }
            }
            return 0;
        }
    }

    private static int aliasCommand(List<String> args, Config config, PrintStream out, PrintStream err) {
        if (args.isEmpty()) return usage(err, "alias needs add, remove or list");
        try (Database db = openDatabase(config)) {
            AliasTable aliases = new AliasTable(db, System::currentTimeMillis);
            switch (args.get(0)) {
                case "add" -> {
                    if (args.size() != 3) return usage(err, "alias add NAME TARGET");
                    aliases.put(args.get(1), args.get(2));
                    out.println("alias " + args.get(1) + " -> " + args.get(2));
                }
                case "remove" -> {
                    if (args.size() != 2) return usage(err, "alias remove NAME");
                    if (!aliases.remove(args.get(1))) return missing(err, "alias", args.get(1));
                    out.println("removed " + args.get(1));
                }
                case "list" -> {
                    for (Alias a : aliases.list()) out.println(a.name() + "\t" + a.target());
                }
                default -> {
                    return usage(err, "unknown alias command " + args.get(0));
                }
            }
            return 0;
        }
    }

    /** Console users: the container's Manager and Pushgate's console log in with these. */
    private static int consoleUserCommand(List<String> args, ConsoleUsers users, java.io.InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty()) return usage(err, "console-user needs add, remove or list");
        switch (args.get(0)) {
            case "add" -> {
                if (args.size() != 4 || !args.get(2).equals("--roles")) return usage(err, "console-user add NAME --roles ROLE,ROLE (password on standard input)");
                String password;
                try {
                    password = SecretInput.read(in, "password of " + args.get(1));
                } catch (java.io.IOException e) {
                    err.println("pushgate: cannot read the password: " + e.getMessage());
                    return 1;
                }
                if (password == null) return usage(err, "the password is read from standard input");
                if (!users.add(args.get(1), password, List.of(args.get(3).split(",")))) {
                    err.println("pushgate: console user " + args.get(1) + " exists already");
                    return 1;
                }
                out.println("added " + args.get(1) + " (" + args.get(3) + ")");
            }
            case "remove" -> {
                if (args.size() != 2) return usage(err, "console-user remove NAME");
                if (!users.remove(args.get(1))) return missing(err, "console user", args.get(1));
                out.println("removed " + args.get(1));
            }
            case "list" -> {
                for (ConsoleUser u : users.list()) out.println(u.name() + "\t" + String.join(",", u.roles()));
            }
            default -> {
                return usage(err, "unknown console-user command " + args.get(0));
            }
        }
        return 0;
    }

    private static int apiKeyCommand(List<String> args, Config config, PrintStream out, PrintStream err) {
        if (args.isEmpty()) return usage(err, "api-key needs add, revoke or list");
        try (Database db = openDatabase(config)) {
            ApiKeys keys = new ApiKeys(db, System::currentTimeMillis);
            switch (args.get(0)) {
                case "add" -> {
                    if (args.size() != 4 || !args.get(2).equals("--scope")) return usage(err, "api-key add NAME --scope admin|provision|read");
                    String key = keys.add(args.get(1), ApiScope.of(args.get(3)));
                    out.println(key);
                    err.println("pushgate: API key " + args.get(1) + " (" + args.get(3) + ") created; it is shown this once only");
                }
                case "revoke" -> {
                    if (args.size() != 2) return usage(err, "api-key revoke NAME");
                    if (!keys.revoke(args.get(1))) return missing(err, "API key", args.get(1));
                    out.println("revoked " + args.get(1));
                }
                case "list" -> {
                    for (ApiKey k : keys.list()) {
                        out.println(k.name() + "\t" + k.scope().token() + "\t" + (k.revoked() ? "revoked " + java.time.Instant.ofEpochMilli(k.revokedAt()) : "valid"));
                    }
                }
                default -> {
                    return usage(err, "unknown api-key command " + args.get(0));
                }
            }
            return 0;
        }
    }

    /** sip:carrier's launcher link, printed as its script prints it: the Base64 string, the escaped one, then the link. */
    private static int launcherLinkCommand(List<String> args, Config config, java.io.InputStream in, PrintStream out, PrintStream err) {
        if (args.size() != 1) return usage(err, "zero-config-link USER   (the password is read from standard input)");
        String user = args.get(0);
        AuthSettings auth = authSettings(config);
        try (Database db = openDatabase(config)) {
            SubscriberDirectory dir = new SubscriberDirectory(db, auth.realm(), auth.passwordStorage(), System::currentTimeMillis);
            if (!dir.exists(user)) return missing(err, "subscriber", user);
            String password;
            try {
                password = SecretInput.read(in, "password of " + user);
            } catch (java.io.IOException e) {
                err.println("pushgate: cannot read the password: " + e.getMessage());
                return 1;
            }
            if (password == null || !dir.checkPassword(user, password)) {
                err.println("pushgate: that is not " + user + "'s password");
                return 1;
            }
            ProvisioningSettings p = ProvisioningSettings.from(config);
            ServerSettings server = ServerSettings.from(config);
            String base = p.publicBaseUrl().isEmpty() ? "http://" + server.httpAddress() + ":" + server.httpPort() + "/pushgate" : p.publicBaseUrl();
            LauncherLink link = LauncherLink.of(user, LocalDomain.from(config).canonical(), password, p.launcherKey(), p.launcherIv(), base);
            out.println(link.base64());
            out.println(link.escaped());
            out.println(link.url());
            return 0;
        }
    }

    private static int missing(PrintStream err, String what, String name) {
        err.println("pushgate: no " + what + " " + name);
        return 1;
    }

    private static int usage(PrintStream err, String why) {
        err.println("pushgate: " + why);
        err.print(USAGE);
        return 2;
    }
}
