package gridgraph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Runs Neo4j Community in this JVM with Bolt on 127.0.0.1 and authentication on.
 *
 * <p>Arguments: {@code HOME_DIR PORT PAGECACHE_BYTES TX_TIMEOUT_SECONDS TX_MEMORY_BYTES TX_MEMORY_TOTAL_BYTES}:
 * the last two bound the memory one transaction and all transactions together may take
 * ({@code db.memory.transaction.max}, {@code dbms.memory.transaction.total.max}), so a runaway query fails
 * with a memory-limit error instead of filling the heap. The password for user {@code neo4j}
 * comes from the environment variable {@code GRIDGRAPH_NEO4J_PASSWORD} (never from the command line,
 * where other users could read it). Prints {@code GRIDGRAPH-READY} once Bolt accepts connections and
 * shuts the database down cleanly on SIGTERM or SIGINT.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println(
                    "usage: Launcher HOME_DIR PORT PAGECACHE_BYTES TX_TIMEOUT_SECONDS TX_MEMORY_BYTES TX_MEMORY_TOTAL_BYTES");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        long pagecacheBytes = Long.parseLong(args[2]);
        long txTimeoutSeconds = Long.parseLong(args[3]);
        long txMemoryBytes = Long.parseLong(args[4]);
        long txMemoryTotalBytes = Long.parseLong(args[5]);
        String password = System.getenv("GRIDGRAPH_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("GRIDGRAPH_NEO4J_PASSWORD must be set to at least 8 characters");
            System.exit(2);
        }
        Files.createDirectories(home);

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeoutSeconds))
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecacheBytes)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, txMemoryBytes)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemoryTotalBytes)
                // Idle Bolt workers otherwise hold a clean shutdown for 10 s.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(2))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(2))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("GRIDGRAPH-STOPPING");
            service.shutdown();
            System.out.println("GRIDGRAPH-STOPPED");
            stopped.countDown();
        }, "gridgraph-shutdown"));

        // The launcher owns this server, so it keeps user neo4j's password equal to the configured one;
        // this also clears the "change required" flag a new database starts with. A digest of the password
        // last applied skips the statement on ordinary restarts (the first Cypher statement costs seconds).
        Path applied = home.resolve("password.applied");
        String digest = sha256(password);
        if (!Files.exists(applied) || !Files.readString(applied).equals(digest)) {
            GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            try {
                system.executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            } catch (RuntimeException e) {
                // Neo4j refuses to "change" a password to its current value: nothing to do then.
                if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                    throw e;
                }
            }
            Files.writeString(applied, digest);
            Files.setPosixFilePermissions(applied, PosixFilePermissions.fromString("rw-------"));
        }

        // The first Cypher statement of a fresh JVM loads and compiles the planner (seconds on a busy machine):
        // pay that before announcing the server, so that "ready" means queries are answered at once.
        GraphDatabaseService data = service.database(GraphDatabaseSettings.initial_default_database.defaultValue());
        data.executeTransactionally("MATCH (n) WHERE n.warmUp = $x RETURN count(n) AS n", Map.of("x", 1));

        System.out.println("GRIDGRAPH-READY " + port);
        System.out.flush();
        stopped.await();
    }

    private static String sha256(String text) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(digest.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
