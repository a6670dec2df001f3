package io.atelier.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.embedded.PostgresEndpoint;
import io.atelier.embedded.ServerCertificate;
import io.atelier.embedded.TlsPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postgres.sslMode} and {@code postgres.trustedCertPath}, for the pool and the migrations alike, against a
 * PostgreSQL with {@code ssl=on} and a certificate made for {@code localhost} when the test starts. The server itself
 * asks for no TLS: what a session says in {@code pg_stat_ssl} is what the client chose.
 */
@ExtendWith(VertxExtension.class)
class PostgresTlsTest {

  private static final String SESSION_SSL = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

  static ServerCertificate serverCertificate;
  static ServerCertificate anotherCertificate;
  static TlsPostgres postgres;

  @BeforeAll
  static void startPostgres(@TempDir Path folder) {
    serverCertificate = ServerCertificate.selfSigned(folder.resolve("server"), "localhost");
    anotherCertificate = ServerCertificate.selfSigned(folder.resolve("another"), "localhost");
    postgres = TlsPostgres.start(folder, serverCertificate);
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Test
  void aPoolVerifyingTheServerFullyTalksTls(Vertx vertx, VertxTestContext test) {
    sessionSsl(vertx, config("localhost", SslMode.VERIFY_FULL, serverCertificate))
        .onComplete(test.succeeding(ssl -> test.verify(() -> {
          assertThat(ssl).as("pg_stat_ssl.ssl of the pool's session").isTrue();
          test.completeNow();
        })));
  }

  @Test
  void requireChecksTheCertificateButNotTheHostName(Vertx vertx, VertxTestContext test) {
    sessionSsl(vertx, config("127.0.0.1", SslMode.REQUIRE, serverCertificate))
        .onComplete(test.succeeding(ssl -> test.verify(() -> {
          assertThat(ssl).isTrue();
          test.completeNow();
        })));
  }

  @Test
  void aPoolTrustingAnotherCertificateIsRefused(Vertx vertx, VertxTestContext test) {
    // The pool does not say why (the server's log does): the mode and the name are those that work above.
    refused(vertx, test, config("127.0.0.1", SslMode.REQUIRE, anotherCertificate));
  }

  @Test
  void verifyFullRefusesAServerReachedUnderANameItsCertificateDoesNotCarry(Vertx vertx, VertxTestContext test) {
    // The certificate names localhost, not the address, which require accepted above.
    refused(vertx, test, config("127.0.0.1", SslMode.VERIFY_FULL, serverCertificate));
  }

  @Test
  void theMigrationsConnectWithTheSameTls() throws Exception {
    PostgresConfig config = config("localhost", SslMode.VERIFY_FULL, serverCertificate);
    assertThat(Migrations.apply(config).success).isTrue();
    try (Connection db = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
         ResultSet row = db.createStatement().executeQuery(SESSION_SSL)) {
      assertThat(row.next()).isTrue();
      assertThat(row.getBoolean("ssl")).as("pg_stat_ssl.ssl of the migrations' session").isTrue();
    }
    // pgjdbc's own require would accept any certificate; the migrations check it as the pool does.
    PostgresConfig another = config("localhost", SslMode.REQUIRE, anotherCertificate);
    assertThatThrownBy(() -> DriverManager.getConnection(another.jdbcUrl(), another.user(), another.password()))
        .isInstanceOf(SQLException.class)
        .satisfies(e -> System.out.println("refused: " + e + " (" + rootCause(e) + ")"))
        .hasRootCauseMessage("Signature does not match.");
  }

  @Test
  void theSettingsReadFromTheSectionAndWriteBackTheSame() {
    PostgresConfig config = config("localhost", SslMode.VERIFY_FULL, serverCertificate);
    JsonObject section = config.toJson();
    assertThat(section.getString("sslMode")).isEqualTo("verify-full");
    assertThat(read(section)).isEqualTo(config);
    JsonObject plain = section.copy();
    plain.remove("sslMode");
    plain.remove("trustedCertPath");
    assertThat(read(plain).sslMode()).as("without the keys").isEqualTo(SslMode.DISABLE);
  }

  @Test
  void aWrongSettingIsRefusedNamingTheKey() {
    JsonObject section = config("localhost", SslMode.VERIFY_FULL, serverCertificate).toJson();
    assertThatThrownBy(() -> read(section.copy().put("sslMode", "prefer")))
        .hasMessage("postgres.sslMode must be disable, require or verify-full, was 'prefer'");
    assertThatThrownBy(() -> read(section.copy().put("trustedCertPath", "")))
        .hasMessageStartingWith("postgres.trustedCertPath is required with postgres.sslMode verify-full");
    assertThatThrownBy(() -> read(section.copy().put("sslMode", "disable")))
        .hasMessage("postgres.trustedCertPath is set but postgres.sslMode is disable");
    assertThatThrownBy(() -> read(section.copy().put("trustedCertPath", "/nonexistent.pem")))
        .hasMessage("postgres.trustedCertPath /nonexistent.pem is not a readable file");
  }

  private static PostgresConfig read(JsonObject section) {
    return PostgresConfig.from(new JsonObject().put("postgres", section));
  }

  private static PostgresConfig config(String host, SslMode mode, ServerCertificate trusted) {
    PostgresEndpoint pg = postgres.endpoint(host);
    return new PostgresConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), 1, mode,
        trusted.certificate().toString());
  }

  /** What a session of a pool made from {@code config} says of its own connection. */
  private static Future<Boolean> sessionSsl(Vertx vertx, PostgresConfig config) {
    Pool pool = DatabasePool.create(vertx, config);
    return pool.query(SESSION_SSL).execute()
        .map(rows -> rows.iterator().next().getBoolean("ssl"))
        .eventually(pool::close);
  }

  private static void refused(Vertx vertx, VertxTestContext test, PostgresConfig config) {
    sessionSsl(vertx, config).onComplete(test.failing(e -> test.verify(() -> {
      System.out.println("refused: " + e);
      assertThat(e).hasMessage("SSL handshake failed");
      test.completeNow();
    })));
  }

  private static Throwable rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }
}
