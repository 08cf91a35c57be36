package io.pushgate.itest;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL server (Debian package postgresql) in a temporary directory on a free
 * loopback port, run as the postgres user because the server refuses to run as root.
 */
public final class PostgresServer implements AutoCloseable {
    public final int port;
    private final Path dir;
    private final String bin;

    public PostgresServer() throws Exception {
        this.port = PushgateProcess.freePort();
        this.bin = findBin();
        this.dir = TestDirs.create("pushgate-pg");
        exec(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
        asPostgres(bin + "/initdb", "-D", dir.resolve("data").toString(), "-U", "pushgate", "--auth=trust", "-E", "UTF8");
        start();
        asPostgres(bin + "/createdb", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "pushgate", "pushgate");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/pushgate";
    }

    public void start() throws Exception {
        asPostgres(bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                "-o", "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" + dir, "start");
    }

    public void stop() throws Exception {
        asPostgres(bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-w", "-m", "fast", "stop");
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            TestDirs.delete(dir);
        }
    }

    private void asPostgres(String... cmd) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(cmd));
        exec(full, true);
    }

    private static void exec(List<String> cmd, boolean check) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(new File("/tmp")).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) throw new IllegalStateException("timed out: " + cmd);
        if (check && p.exitValue() != 0) throw new IllegalStateException(cmd + " failed (" + p.exitValue() + "):\n" + out);
    }

    private static String findBin() {
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions != null) {
            for (File v : versions) if (new File(v, "bin/initdb").canExecute()) return v.getPath() + "/bin";
        }
        throw new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql (install the postgresql package)");
    }
}
