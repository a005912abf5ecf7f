package io.jpatroni.core.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication slots of the local server (ha-loop.md §17.3): reading {@code pg_replication_slots},
 * creating physical and logical slots, advancing and dropping them. Physical work runs on the
 * loop's cached connection; logical slots need a connection to their own database.
 */
public final class ReplicationSlots {
    private static final Logger log = LoggerFactory.getLogger(ReplicationSlots.class);

    private final PostgresNode pg;

    ReplicationSlots(PostgresNode pg) {
        this.pg = pg;
    }

    /** Every non-temporary slot; {@code serverVersion} as server_version_num decides which columns exist. */
    public List<ExistingSlot> list(int serverVersion) throws PostgresException {
        String walStatus = serverVersion >= 130000 ? "wal_status = 'lost'" : "false";
        String sql = "SELECT slot_name, slot_type, database, plugin, active,"
                + " pg_catalog.pg_wal_lsn_diff(restart_lsn, '0/0')::bigint,"
                + " pg_catalog.pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint,"
                + " xmin IS NOT NULL, " + walStatus
                + " FROM pg_catalog.pg_replication_slots WHERE NOT temporary ORDER BY slot_name";
        return pg.onSlotConnection("reading replication slots", c -> {
            List<ExistingSlot> slots = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    slots.add(new ExistingSlot(rs.getString(1), rs.getString(2),
                            Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getString(4)),
                            rs.getBoolean(5), optionalLong(rs, 6), optionalLong(rs, 7),
                            rs.getBoolean(8), rs.getBoolean(9)));
                }
            }
            return slots;
        });
    }

    /** A physical slot that reserves WAL at once; no-op if the name exists. */
    public void createPhysical(String name) throws PostgresException {
        pg.createPhysicalSlot(name);
    }

    /** A logical slot in {@code database}; may wait for running transactions to finish (snapshot building). */
    public void createLogical(String name, String database, String plugin) throws PostgresException {
        inDatabase(database, "creating logical replication slot " + name, c -> {
            try (var st = c.prepareStatement("SELECT pg_catalog.pg_create_logical_replication_slot(?, ?)"
                    + " WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?)")) {
                st.setString(1, name);
                st.setString(2, plugin);
                st.setString(3, name);
                st.execute();
            }
            return null;
        });
    }

    /** Drops the slot if no one uses it; a logical slot is dropped from its own database. */
    public void drop(ExistingSlot slot) throws PostgresException {
        if (slot.isLogical() && slot.database().isPresent()) {
            inDatabase(slot.database().get(), "dropping replication slot " + slot.name(), c -> {
                try (var st = c.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(slot_name)"
                        + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                    st.setString(1, slot.name());
                    st.execute();
                }
                return null;
            });
        } else {
            pg.dropSlot(slot.name());
        }
    }

    /** Moves a physical slot forward to {@code lsn} (PostgreSQL 11+; a standby caps it at its replay position). */
    public void advance(String name, long lsn) throws PostgresException {
        pg.onSlotConnection("advancing replication slot " + name, c -> {
            try (var st = c.prepareStatement("SELECT pg_catalog.pg_replication_slot_advance(?, ?::pg_catalog.pg_lsn)")) {
                st.setString(1, name);
                st.setString(2, Lsn.format(lsn));
                st.execute();
            }
            return null;
        });
    }

    private <T> T inDatabase(String database, String what, LocalConnection.SqlWork<T> work) throws PostgresException {
        try (Connection c = pg.connectForSlots(database)) {
            c.setAutoCommit(true);
            return work.run(c);
        } catch (SQLException e) {
            log.debug("{} failed", what, e);
            throw new PostgresException(what + " failed: " + e.getMessage(), e);
        }
    }

    private static OptionalLong optionalLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
