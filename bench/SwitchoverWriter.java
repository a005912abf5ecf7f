import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Commits one row at a time to whichever node accepts writes, reconnecting as an application
 * behind a proxy would, for the given number of seconds; prints the longest gap between two
 * acknowledged commits (the write-unavailability window) and the number of commits.
 * Usage: java -cp postgresql.jar SwitchoverWriter.java SECONDS PASSWORD PORT [PORT...]
 */
public class SwitchoverWriter {
    public static void main(String[] args) throws Exception {
        long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", args[1]);
        props.setProperty("connectTimeout", "1");
        props.setProperty("socketTimeout", "5");
        long last = System.nanoTime();
        long longest = 0;
        long commits = 0;
        Connection c = null;
        while (System.nanoTime() < end) {
            try {
                if (c == null) {
                    c = writable(args, props);
                    if (c == null) {
                        Thread.sleep(5);
                        continue;
                    }
                    try (var st = c.createStatement()) {
                        st.execute("CREATE TABLE IF NOT EXISTS bench_switchover (at timestamptz)");
                    }
                }
                try (var st = c.createStatement()) {
                    st.execute("INSERT INTO bench_switchover VALUES (now())");
                }
                long now = System.nanoTime();
                longest = Math.max(longest, now - last);
                last = now;
                commits++;
            } catch (SQLException e) {
                try { c.close(); } catch (Exception ignored) { }
                c = null;
            }
        }
        System.out.printf("longest_gap_ms=%d commits=%d%n", longest / 1_000_000, commits);
    }

    private static Connection writable(String[] args, Properties props) {
        for (int i = 2; i < args.length; i++) {
            try {
                Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + args[i] + "/postgres", props);
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return c;
                    }
                }
                c.close();
            } catch (SQLException e) {
                // try the next node
            }
        }
        return null;
    }
}
