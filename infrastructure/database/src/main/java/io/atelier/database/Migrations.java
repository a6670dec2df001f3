package io.atelier.database;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned schema in {@code db/migration}. Flyway takes a PostgreSQL advisory lock, so nodes starting
 * together apply each migration once. Blocking: call it before deploying verticles or on a worker thread.
 */
public final class Migrations {

  private Migrations() {
  }

  public static MigrateResult apply(PostgresConfig config) {
    return Flyway.configure()
        .dataSource(config.jdbcUrl(), config.user(), config.password())
        .locations("classpath:db/migration")
        .connectRetries(10)
        .load()
        .migrate();
  }
}
