package io.jpatroni.core.runtime;

import io.jpatroni.core.config.ConfigException;
import io.jpatroni.core.config.Credentials;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.config.PostgresqlConfig;
import io.jpatroni.core.postgres.PgCredentials;
import io.jpatroni.core.postgres.PostgresSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;

/** The PostgreSQL control layer's settings from patroni.yml (the dynamic part is updated by the loop). */
final class PostgresSettingsMapper {

    private PostgresSettingsMapper() {
    }

    static PostgresSettings from(PatroniConfig config) {
        PostgresqlConfig pg = config.postgresql();
        DynamicConfig initial = initialDynamic(config);
        return new PostgresSettings(pg.dataDir(), pg.configDir(), pg.binDir(), pg.listenAddresses(), pg.port(),
                pg.localHost(), config.scope(), config.name(), credentials(pg.superuser()),
                credentials(pg.replication()), credentials(pg.rewind()), pg.pgpass(),
                initial.postgresqlParameters(), pg.parameters(), pg.pgHba().isEmpty() ? initial.pgHba() : pg.pgHba(),
                pg.pgIdent(), pg.database(), Duration.ofSeconds(pg.pgCtlTimeout()), pg.recoveryConf(),
                pg.basebackupArgs(), initial.useSlots());
    }

    private static DynamicConfig initialDynamic(PatroniConfig config) {
        try {
            return DynamicConfig.fromMap(config.bootstrap().map(b -> b.dcs()).orElse(Map.of()), new ArrayList<>());
        } catch (ConfigException e) {
            return DynamicConfig.defaults();
        }
    }

    private static PgCredentials credentials(Credentials c) {
        return new PgCredentials(c.username(), c.password());
    }
}
