package io.jpatroni.it;

import io.jpatroni.it.ClusterHarness.Node;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A client that keeps inserting rows into {@code acked} on whichever node accepts writes,
 * reconnecting as an application behind a proxy would, and remembers every id whose commit was
 * acknowledged and the longest gap between two acknowledged commits.
 */
final class ContinuousWriter implements AutoCloseable {

    private final ClusterHarness cluster;
    private final List<Integer> acknowledged = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long longestGapNanos;

    ContinuousWriter(ClusterHarness cluster) {
        this.cluster = cluster;
        this.thread = new Thread(this::loop, "continuous-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        int next = 1;
        long lastCommit = System.nanoTime();
        Connection connection = null;
        while (running) {
            try {
                if (connection == null) {
                    connection = connectToWritable();
                    if (connection == null) {
                        Thread.sleep(20);
                        continue;
                    }
                }
                try (var st = connection.createStatement()) {
                    st.execute("INSERT INTO acked VALUES (" + next + ")");
                }
                acknowledged.add(next);
                next++;
                long now = System.nanoTime();
                longestGapNanos = Math.max(longestGapNanos, now - lastCommit);
                lastCommit = now;
            } catch (SQLException e) {
                close(connection);
                connection = null;
                next++; // an unacknowledged id is never reused: it may or may not have committed
            } catch (InterruptedException e) {
                return;
            }
        }
        close(connection);
    }

    private Connection connectToWritable() {
        for (Node node : cluster.nodes) {
            try {
                Connection c = node.connect();
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return c;
                    }
                }
                c.close();
            } catch (SQLException e) {
                // not this one
            }
        }
        return null;
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already gone
            }
        }
    }

    List<Integer> acknowledged() {
        synchronized (acknowledged) {
            return List.copyOf(acknowledged);
        }
    }

    long longestGapMillis() {
        return longestGapNanos / 1_000_000;
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
