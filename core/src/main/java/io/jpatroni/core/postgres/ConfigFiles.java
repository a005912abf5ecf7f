package io.jpatroni.core.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jpatroni.core.config.ConfText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The files jpatroni writes for PostgreSQL (§22.1–22.4): postgresql.conf, pg_hba.conf, pg_ident.conf, signal files. */
final class ConfigFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFiles.class);
    static final String BASE_CONF = "postgresql.base.conf";
    static final String RECOVERY_MARKER = "# recovery.conf";
    private static final Pattern AUTO_CONF_LINE = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*=?.*$");
    private static final List<String> RECOVERY_TARGETS = List.of("recovery_target", "recovery_target_lsn",
            "recovery_target_name", "recovery_target_time", "recovery_target_xid");

    private final PostgresSettings settings;

    ConfigFiles(PostgresSettings settings) {
        this.settings = settings;
    }

    Path postgresqlConf() {
        return settings.configDir().resolve("postgresql.conf");
    }

    Path hbaFile(Map<String, Object> params) {
        Object custom = params.get("hba_file");
        return custom != null ? Path.of(custom.toString()) : settings.configDir().resolve("pg_hba.conf");
    }

    Path identFile(Map<String, Object> params) {
        Object custom = params.get("ident_file");
        return custom != null ? Path.of(custom.toString()) : settings.configDir().resolve("pg_ident.conf");
    }

    /** First time only: initdb's postgresql.conf becomes postgresql.base.conf, which ours includes. */
    void ensureBaseConf() throws IOException {
        Path base = settings.configDir().resolve(BASE_CONF);
        if (Files.exists(base)) {
            return;
        }
        Files.createDirectories(settings.configDir());
        Path conf = postgresqlConf();
        Path initdbConf = settings.dataDir().resolve("postgresql.conf");
        if (Files.exists(conf)) {
            Files.move(conf, base);
        } else if (Files.exists(initdbConf)) {
            Files.copy(initdbConf, base);
        } else {
            write(base, "");
        }
    }

    /** Recovery settings for a standby (§22.3); empty for a primary. Values are already rendered strings. */
    Map<String, String> recoverySettings(RecoveryTarget target, int major) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (!target.bootstrapRecovery().isEmpty()) {
            target.bootstrapRecovery().forEach((k, v) -> {
                if (v != null && !k.equals("standby_mode")) {
                    out.put(k, ServerParameters.render(v));
                }
            });
            return out;
        }
        if (!target.standby()) {
            return out;
        }
        for (Map.Entry<String, Object> e : settings.recoveryConf().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("recovery_target") || k.equals("primary_conninfo") || k.equals("primary_slot_name")
                    || k.equals("standby_mode") || e.getValue() == null) {
                continue;
            }
            out.put(k, ServerParameters.render(e.getValue()));
        }
        if (target.follow().isPresent()) {
            Upstream up = target.follow().get();
            out.put("primary_conninfo", primaryConninfo(up, major));
            if (settings.useSlots()) {
                out.put("primary_slot_name", SlotNames.forMember(settings.memberName()));
            }
        }
        out.put("recovery_target_timeline", "latest");
        for (String t : RECOVERY_TARGETS) {
            out.put(t, "");
        }
        return out;
    }

    /** Replication credentials for the upstream; the password goes to the pgpass file, never into the conninfo. */
    String primaryConninfo(Upstream up, int major) throws IOException {
        Map<String, Object> ci = new LinkedHashMap<>();
        ci.put("user", settings.replication().username());
        if (settings.replication().password().isPresent()) {
            PgPass.write(settings.pgpass(), PgPass.entriesFor(up.host(), up.port(), settings.replication()));
            ci.put("passfile", settings.pgpass().toAbsolutePath().toString());
        }
        ci.put("host", up.host());
        ci.put("port", up.port());
        ci.put("dbname", up.database());
        ci.put("sslmode", "prefer");
        if (major >= 12) {
            ci.put("gssencmode", "prefer");
        }
        if (major >= 13) {
            ci.put("channel_binding", "prefer");
        }
        ci.put("application_name", settings.memberName());
        return ConnInfo.render(ci);
    }

    /**
     * Writes postgresql.conf: header, include of the base file, parameters sorted by name, hba/ident files, and
     * the recovery block. {@code recovery} empty = keep the block currently in the file.
     */
    void writePostgresqlConf(Map<String, Object> params, Optional<Map<String, String>> recovery) throws IOException {
        Path conf = postgresqlConf();
        List<String> keptRecovery = new ArrayList<>();
        if (recovery.isEmpty() && Files.exists(conf)) {
            boolean in = false;
            for (String line : Files.readAllLines(conf, StandardCharsets.UTF_8)) {
                if (line.equals(RECOVERY_MARKER)) {
                    in = true;
                } else if (in) {
                    keptRecovery.add(line);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# Do not edit this file manually!\n");
        sb.append("# It will be overwritten by jpatroni!\n");
        sb.append("include '").append(escape(settings.configDir().resolve(BASE_CONF).toAbsolutePath().toString()))
                .append("'\n\n");
        for (Map.Entry<String, Object> e : params.entrySet()) {
            if (e.getValue() == null || e.getKey().equals("hba_file") || e.getKey().equals("ident_file")) {
                continue;
            }
            appendSetting(sb, e.getKey(), ServerParameters.render(e.getValue()));
        }
        sb.append("hba_file = '").append(escape(hbaFile(params).toAbsolutePath().toString())).append("'\n");
        sb.append("ident_file = '").append(escape(identFile(params).toAbsolutePath().toString())).append("'\n");
        sb.append('\n').append(RECOVERY_MARKER).append('\n');
        if (recovery.isPresent()) {
            for (Map.Entry<String, String> e : recovery.get().entrySet()) {
                appendSetting(sb, e.getKey(), e.getValue());
            }
        } else {
            keptRecovery.forEach(l -> sb.append(l).append('\n'));
        }
        write(conf, sb.toString());
    }

    /**
     * The last line of defence against injection: the configuration is checked when it is loaded and when it is
     * written to the DCS, but the DCS can be written by anyone with access to it. A name or value that could add
     * lines of its own is never written; the rest of the file still is.
     */
    private static void appendSetting(StringBuilder sb, String name, String value) {
        java.util.Optional<String> problem = ConfText.parameterProblem(name, value);
        if (problem.isPresent()) {
            LOG.error("not writing parameter {} to postgresql.conf: it {}", ConfText.shown(name),
                    problem.get());
            return;
        }
        sb.append(name).append(" = '").append(escape(value)).append("'\n");
    }

    /** Items with a line break are dropped (logged): one list item must stay one rule. */
    private static List<String> singleLines(List<String> lines, String file) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (ConfText.isSingleLine(line)) {
                out.add(line);
            } else {
                LOG.error("not writing a {} line that {}: {}", file, ConfText.lineBreakProblem(line).orElseThrow(),
                        ConfText.shown(line));
            }
        }
        return out;
    }

    /** pg_hba.conf / pg_ident.conf replaced when configured and not pointed elsewhere by the user. */
    void writeHbaAndIdent(Map<String, Object> params) throws IOException {
        if (!settings.pgHba().isEmpty() && !params.containsKey("hba_file")) {
            write(hbaFile(params), lines(singleLines(settings.pgHba(), "pg_hba.conf")));
        }
        if (!settings.pgIdent().isEmpty() && !params.containsKey("ident_file")) {
            write(identFile(params), lines(singleLines(settings.pgIdent(), "pg_ident.conf")));
        }
    }

    void appendToHba(List<String> extra) throws IOException {
        Path hba = settings.configDir().resolve("pg_hba.conf");
        if (!Files.exists(hba)) {
            hba = settings.dataDir().resolve("pg_hba.conf");
        }
        String existing = Files.exists(hba) ? Files.readString(hba, StandardCharsets.UTF_8) : "";
        if (!existing.isEmpty() && !existing.endsWith("\n")) {
            existing += "\n";
        }
        write(hba, existing + lines(singleLines(extra, "pg_hba.conf")));
    }

    /** §22.2: recovery parameters set with ALTER SYSTEM would override ours. */
    void removeRecoveryFromAutoConf() throws IOException {
        Path auto = settings.dataDir().resolve("postgresql.auto.conf");
        if (!Files.exists(auto)) {
            return;
        }
        List<String> lines = Files.readAllLines(auto, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            Matcher m = AUTO_CONF_LINE.matcher(line);
            if (m.matches() && ServerParameters.RECOVERY_PARAMETERS.contains(m.group(1))) {
                continue;
            }
            kept.add(line);
        }
        if (kept.size() != lines.size()) {
            write(auto, lines(kept));
        }
    }

    void writeSignalFiles(RecoveryTarget target) throws IOException {
        Path standby = settings.dataDir().resolve("standby.signal");
        Path recovery = settings.dataDir().resolve("recovery.signal");
        Files.deleteIfExists(recovery);
        if (!target.bootstrapRecovery().isEmpty()) {
            write(target.bootstrapStandbyMode() ? standby : recovery, "");
        } else if (target.standby()) {
            if (!Files.exists(standby)) {
                write(standby, "");
            }
        } else {
            Files.deleteIfExists(standby);
        }
    }

    void removeSignalFiles() throws IOException {
        Files.deleteIfExists(settings.dataDir().resolve("standby.signal"));
        Files.deleteIfExists(settings.dataDir().resolve("recovery.signal"));
    }

    boolean hasStandbySignal() {
        return Files.exists(settings.dataDir().resolve("standby.signal"));
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("'", "''");
    }

    private static String lines(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** Atomic replace; mode 0600 like the files initdb writes (group access is not configured by us). */
    private static void write(Path file, String content) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file system
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
