package io.pushgate.runtime;

import io.pushgate.store.Database;
import io.pushgate.uac.RemoteRegistration;
import io.pushgate.uac.RemoteRegistrationTable;
import io.pushgate.uac.UacSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pushgate uac ...}: the operator's view of remote registrations (docs/uac.md). Commands
 * are written to the table, and the running server carries them out within [uac] poll-interval.
 * Passwords are read from standard input or a file, never from the command line, and are shown
 * as *** only.
 */
final class UacCommand {
    static final String USAGE = """
            pushgate uac list | info L_UUID | remove L_UUID | enable L_UUID | disable L_UUID
            pushgate uac register L_UUID | unregister L_UUID | reload
            pushgate uac add --l-uuid ID --l-username USER --l-domain DOMAIN --r-username USER --r-domain DOMAIN
                             [--realm R] [--auth-username U] [--auth-ha1 HA1 | --password-file FILE] [--auth-proxy HOST:PORT]
                             [--expires S] [--flags N] [--reg-delay S] [--contact-addr HOST:PORT] [--contact-user USER]
                             (without --auth-ha1 or --password-file the password is read from standard input)
            pushgate uac import FILE   rows of a Kamailio uacreg table as CSV with a header line
            """;
    private static final List<String> COLUMNS = List.of("l_uuid", "l_username", "l_domain", "r_username", "r_domain", "realm",
            "auth_username", "auth_password", "auth_ha1", "auth_proxy", "expires", "flags", "reg_delay", "contact_addr", "contact_user");

    private final RemoteRegistrationTable table;
    private final UacSettings settings;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    UacCommand(Database db, UacSettings settings, InputStream in, PrintStream out, PrintStream err) {
        this.table = new RemoteRegistrationTable(db);
        this.settings = settings;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Runs one command; exit status as the launcher's (0 done, 1 failed, 2 usage). */
    int run(List<String> args) {
        if (args.isEmpty()) return usage("uac needs a command");
        String verb = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (verb) {
            case "list" -> {
                for (RemoteRegistration r : table.list()) {
                    out.println(r.lUuid() + "\t" + r.lUsername() + "@" + r.lDomain() + "\t" + r.rUsername() + "@" + r.rDomain() + "\t"
                            + state(r) + "\t" + (r.lastStatus() == 0 ? "-" : r.lastStatus() + " " + nullToDash(r.lastReason()))
                            + "\tpassword " + (secretSet(r) ? "***" : "(none)"));
                }
                return 0;
            }
            case "info" -> {
                if (rest.size() != 1) return usage("uac info L_UUID");
                var found = table.find(rest.get(0));
                if (found.isEmpty()) return missing(rest.get(0));
                info(found.get());
                return 0;
            }
            case "add" -> {
                return add(rest);
            }
            case "import" -> {
                if (rest.size() != 1) return usage("uac import FILE");
                return importFile(Path.of(rest.get(0)));
            }
            case "enable", "disable" -> {
                if (rest.size() != 1) return usage("uac " + verb + " L_UUID");
                if (!table.setDisabled(rest.get(0), verb.equals("disable"))) return missing(rest.get(0));
                out.println(rest.get(0) + (verb.equals("disable") ? " disabled (unregistered first)" : " enabled") + whenApplied());
                return 0;
            }
            case "register", "unregister", "remove" -> {
                if (rest.size() != 1) return usage("uac " + verb + " L_UUID");
                String command = switch (verb) {
                    case "register" -> RemoteRegistrationTable.REGISTER;
                    case "unregister" -> RemoteRegistrationTable.UNREGISTER;
                    default -> RemoteRegistrationTable.REMOVE;
                };
                if (!table.command(rest.get(0), command)) return missing(rest.get(0));
                out.println(rest.get(0) + ": " + verb + (verb.equals("remove") ? " (unregistered first)" : "") + whenApplied());
                return 0;
            }
            case "reload" -> {
                out.println("the server reads remote_registration every " + settings.pollIntervalSeconds()
                        + " s and applies changed rows only; unchanged ones keep their Call-ID");
                return 0;
            }
            default -> {
                return usage("unknown uac command " + verb);
            }
        }
    }

    private String whenApplied() {
        return "; the server applies it within " + settings.pollIntervalSeconds() + " s";
    }

    private static String state(RemoteRegistration r) {
        if (r.command() != null) return r.command() + " pending";
        return r.state() == null ? "new" : r.state();
    }

    private static boolean secretSet(RemoteRegistration r) {
        return (r.authPassword() != null && !r.authPassword().isEmpty()) || (r.authHa1() != null && !r.authHa1().isEmpty());
    }

    private void info(RemoteRegistration r) {
        out.println("l_uuid: " + r.lUuid());
        out.println("local: " + r.lUsername() + "@" + r.lDomain());
        out.println("remote: " + r.rUsername() + "@" + r.rDomain());
        out.println("realm: " + nullToDash(r.realm()));
        out.println("auth_username: " + r.authUsername());
        out.println("auth_password: " + (r.authPassword() == null || r.authPassword().isEmpty() ? "(none)" : "***"));
        out.println("auth_ha1: " + (r.authHa1() == null || r.authHa1().isEmpty() ? "(none)" : "***"));
        out.println("auth_proxy: " + nullToDash(r.authProxy()));
        out.println("expires: " + r.expires());
        out.println("flags: " + r.flags() + (r.disabled() ? " (disabled)" : ""));
        out.println("reg_delay: " + r.regDelay());
        out.println("contact: " + nullToDash(r.contactUser()) + " at " + (r.contactAddr() == null || r.contactAddr().isEmpty() ? "(server default)" : r.contactAddr()));
        out.println("state: " + state(r));
        out.println("last status: " + (r.lastStatus() == 0 ? "-" : r.lastStatus() + " " + nullToDash(r.lastReason())));
        out.println("attempts since last success: " + r.attempts());
        out.println("last success: " + (r.lastSuccess() == 0 ? "never" : Instant.ofEpochMilli(r.lastSuccess())));
        out.println("next attempt: " + (r.nextAttempt() == 0 ? "-" : Instant.ofEpochMilli(r.nextAttempt())));
    }

    private int add(List<String> args) {
        Map<String, String> v = new HashMap<>();
        String passwordFile = null;
        for (int i = 0; i < args.size(); i += 2) {
            String flag = args.get(i);
            if (!flag.startsWith("--") || i + 1 >= args.size()) return usage("uac add: expected --option VALUE pairs, got " + flag);
            if (flag.equals("--password-file")) {
                passwordFile = args.get(i + 1);
                continue;
            }
            String column = flag.substring(2).replace('-', '_');
            if (column.equals("auth_password")) return usage("uac add: the password is never taken on the command line; use --password-file or standard input");
            if (!COLUMNS.contains(column)) return usage("uac add: unknown option " + flag);
            v.put(column, args.get(i + 1));
        }
        if (!v.containsKey("auth_ha1")) {
            try {
                String password = passwordFile != null ? Files.readString(Path.of(passwordFile)).strip() : readLine();
                if (password != null && !password.isEmpty()) v.put("auth_password", password);
            } catch (IOException e) {
                err.println("pushgate: cannot read the password: " + e.getMessage());
                return 1;
            }
        }
        try {
            RemoteRegistration r = row(v);
            if (!table.add(r)) {
                err.println("pushgate: remote registration " + r.lUuid() + " already exists");
                return 1;
            }
            out.println("added " + r.lUuid() + whenApplied());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("pushgate: " + e.getMessage());
            return 2;
        }
    }

    private String readLine() throws IOException {
        return SecretInput.read(in, "password for the provider");
    }

    /** A row from column values; numbers that do not parse are an IllegalArgumentException naming the column. */
    static RemoteRegistration row(Map<String, String> v) {
        return new RemoteRegistration(v.get("l_uuid"), v.get("l_username"), v.get("l_domain"), v.get("r_username"), v.get("r_domain"),
                blankToNull(v.get("realm")), blankToNull(v.get("auth_username")), blankToNull(v.get("auth_password")),
                blankToNull(v.get("auth_ha1")), blankToNull(v.get("auth_proxy")), number(v, "expires", 3600), number(v, "flags", 0),
                number(v, "reg_delay", 0), blankToNull(v.get("contact_addr")), blankToNull(v.get("contact_user")));
    }

    private static int number(Map<String, String> v, String column, int dflt) {
        String s = v.get(column);
        if (s == null || s.isBlank()) return dflt;
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(column + ": not a whole number");
        }
    }

    private int importFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("pushgate: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        if (lines.isEmpty()) return usage("uac import: " + file + " is empty; its first line names the uacreg columns");
        List<String> header = csv(lines.get(0));
        int added = 0;
        int rows = 0;
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) continue;
            rows++;
            List<String> fields = csv(lines.get(n));
            Map<String, String> v = new HashMap<>();
            for (int i = 0; i < header.size() && i < fields.size(); i++) {
                String column = header.get(i).strip().toLowerCase();
                if (COLUMNS.contains(column)) v.put(column, fields.get(i)); // id, socket and other columns are not ours
            }
            try {
                RemoteRegistration r = row(v);
                if (table.add(r)) added++;
                else err.println("line " + (n + 1) + ": " + r.lUuid() + " already exists, skipped");
            } catch (IllegalArgumentException e) {
                err.println("line " + (n + 1) + ": " + e.getMessage() + ", skipped");
            }
        }
        out.println("imported " + added + " of " + rows + whenApplied());
        return added == rows ? 0 : 1;
    }

    /** One CSV line: comma-separated, fields optionally in double quotes ("" inside for a quote). */
    static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() || s.equals("\\N") || s.equalsIgnoreCase("NULL") ? null : s.strip();
    }

    private static String nullToDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private int missing(String uuid) {
        err.println("pushgate: no remote registration " + uuid);
        return 1;
    }

    private int usage(String why) {
        err.println("pushgate: " + why);
        err.print(USAGE);
        return 2;
    }
}
