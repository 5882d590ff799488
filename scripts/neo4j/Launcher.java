// Embedded Neo4j Community with the Bolt connector, for development and tests (scripts/neo4j-server).
//
// Usage: java -cp <jars>:<classes> Launcher HOME PORT
//   HOME  folder for data/ and logs/ (created if missing)
//   PORT  Bolt port on 127.0.0.1
// Auth is disabled and HTTP is off: this server is for a developer's machine and the test suite,
// listening on loopback only. It runs until it gets SIGTERM/SIGINT, then shuts down cleanly.

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: Launcher HOME PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // INDMAP_NEO4J_PAGECACHE (scripts/neo4j-server): e.g. 1g for a database of about 1 GB; default 256m
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(System.getenv().getOrDefault("INDMAP_NEO4J_PAGECACHE", "256m")))
                // every ingest rewrites the whole graph: keep only recent transaction logs on a dev machine
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "indmap-neo4j-shutdown"));

        System.out.println("indmap-neo4j ready bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
