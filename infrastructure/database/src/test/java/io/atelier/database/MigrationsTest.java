package io.atelier.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.PostgresEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schema as nodes apply it at start-up, against a real PostgreSQL. */
class MigrationsTest {

  static EmbeddedServices services;
  static PostgresConfig config;

  @BeforeAll
  static void startPostgres() {
    services = EmbeddedServices.startTemporary("atelier-migrations-test-");
    PostgresEndpoint pg = services.postgres();
    config = new PostgresConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), 2);
  }

  @AfterAll
  static void stopPostgres() {
    services.close();
  }

  @Test
  void twoNodesStartingAtOnceApplyEachMigrationOnce() throws Exception {
    CyclicBarrier together = new CyclicBarrier(2);
    List<CompletableFuture<MigrateResult>> nodes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      nodes.add(CompletableFuture.supplyAsync(() -> {
        try {
          together.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return Migrations.apply(config);
      }));
    }
    List<MigrateResult> results = new ArrayList<>();
    for (CompletableFuture<MigrateResult> node : nodes) {
      results.add(node.get(2, TimeUnit.MINUTES));
    }
    assertThat(results).allSatisfy(r -> assertThat(r.success).isTrue());

    try (Connection db = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password())) {
      List<String> applied = new ArrayList<>();
      try (ResultSet rows = db.createStatement().executeQuery(
          "SELECT coalesce(version, description) AS migration, count(*) AS n FROM flyway_schema_history"
              + " WHERE success GROUP BY 1 ORDER BY 1")) {
        while (rows.next()) {
          assertThat(rows.getInt("n")).as("migration %s applied once", rows.getString("migration")).isEqualTo(1);
          applied.add(rows.getString("migration"));
        }
      }
      assertThat(applied).as("every migration is applied").hasSizeGreaterThan(10);
      assertThat(results.stream().mapToInt(r -> r.migrationsExecuted).sum())
          .as("one node applied them all, the other found nothing left to do").isEqualTo(applied.size());
    }
    assertThat(Migrations.apply(config).migrationsExecuted).as("a node starting later applies nothing").isZero();
  }
}
