import io.pushgate.registrar.BindingRecord;
import io.pushgate.store.Database;
import io.pushgate.store.DatabaseSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * The binding writer's statements alone: BINDINGS stored bindings rewritten in transactions of
 * PER_TRANSACTION changes through Hibernate's stateless session, as registrar/BindingWriter does.
 * Prints, for each round, the CPU and wall time per change of the writing thread (the database's
 * own processes not counted). Modes: update, upsert, and update with JDBC batching off.
 *
 * usage: BindingWrites JDBC_URL USER MODE PER_TRANSACTION ROUNDS BINDINGS
 */
public final class BindingWrites {
    public static void main(String[] args) {
        String url = args[0], user = args[1], mode = args[2];
        int perTransaction = Integer.parseInt(args[3]), rounds = Integer.parseInt(args[4]), count = Integer.parseInt(args[5]);
        List<BindingRecord> bindings = new ArrayList<>();
        long in1h = System.currentTimeMillis() + 3_600_000;
        for (int i = 0; i < count; i++) {
            bindings.add(new BindingRecord("b" + i, "sip:u" + i + "@example.com", "sip:u" + i + "@127.0.0.1:5060", "", null, 0, 1000,
                    in1h, "call-" + i, 1, null, "udp:127.0.0.1:5060", null, "bench", 0));
        }
        try (Database db = new Database(new DatabaseSettings(url, user, "", 2, 5000, 10), List.of(BindingRecord.class))) {
            db.inStatelessTransaction(s -> s.createMutationQuery("delete from BindingRecord").executeUpdate());
            for (int i = 0; i < count; i += 500) {
                List<BindingRecord> slice = bindings.subList(i, Math.min(count, i + 500));
                db.inStatelessTransaction(s -> {
                    slice.forEach(s::insert);
                    return null;
                });
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int round = 1; round <= rounds; round++) {
                long cpu = threads.getCurrentThreadCpuTime(), wall = System.nanoTime();
                int changes = 0;
                for (int i = 0; i + perTransaction <= count; i += perTransaction) {
                    List<BindingRecord> group = new ArrayList<>();
                    for (int j = i; j < i + perTransaction; j++) group.add(bindings.get(j).withExpiry(in1h + round));
                    write(db, mode, group);
                    changes += perTransaction;
                }
                System.out.printf("round %d: %.1f us CPU, %.1f us wall per change%n", round,
                        (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / changes, (System.nanoTime() - wall) / 1e3 / changes);
            }
        }
    }

    private static void write(Database db, String mode, List<BindingRecord> group) {
        db.inStatelessTransaction(s -> {
            switch (mode) {
                case "update" -> group.forEach(s::update);
                case "upsert" -> group.forEach(s::upsert);
                case "update-unbatched" -> {
                    s.setJdbcBatchSize(0);
                    group.forEach(s::update);
                }
                default -> throw new IllegalArgumentException("mode: update, upsert or update-unbatched");
            }
            return null;
        });
    }
}
