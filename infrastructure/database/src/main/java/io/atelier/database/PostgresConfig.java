package io.atelier.database;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.SslMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code postgres} section of the configuration.
 *
 * @param sslMode {@code disable}, {@code require} (encrypted, the server's certificate checked against
 *     {@code trustedCertPath} but not its host name: libpq's {@code require} when it has a root certificate) or
 *     {@code verify-full} (the host name checked too)
 * @param trustedCertPath the PEM file of the certificates the server's is checked against (its CA, or the server's
 *     own); required unless {@code sslMode} is {@code disable}, empty then
 */
public record PostgresConfig(String host, int port, String database, String user, String password, int poolSize,
                             SslMode sslMode, String trustedCertPath) {

  public static final int DEFAULT_PORT = 5432;
  public static final int DEFAULT_POOL_SIZE = 8;
  /** The modes a node accepts: none that would fall back to a plain connection. */
  public static final List<SslMode> SSL_MODES = List.of(SslMode.DISABLE, SslMode.REQUIRE, SslMode.VERIFY_FULL);

  public PostgresConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("postgres.host is required");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("postgres.port must be 1..65535, was " + port);
    }
    if (database == null || database.isBlank()) {
      throw new IllegalArgumentException("postgres.database is required");
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("postgres.user is required");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("postgres.poolSize must be at least 1, was " + poolSize);
    }
    if (!SSL_MODES.contains(sslMode)) {
      throw new IllegalArgumentException("postgres.sslMode must be disable, require or verify-full, was " + sslMode);
    }
    trustedCertPath = trustedCertPath == null ? "" : trustedCertPath;
    if (sslMode == SslMode.DISABLE && !trustedCertPath.isEmpty()) {
      throw new IllegalArgumentException("postgres.trustedCertPath is set but postgres.sslMode is disable");
    }
    if (sslMode != SslMode.DISABLE && trustedCertPath.isEmpty()) {
      throw new IllegalArgumentException("postgres.trustedCertPath is required with postgres.sslMode "
          + sslMode.value + ": the PEM file of the certificates the server's is checked against");
    }
    if (!trustedCertPath.isEmpty() && !Files.isReadable(Path.of(trustedCertPath))) {
      throw new IllegalArgumentException("postgres.trustedCertPath " + trustedCertPath + " is not a readable file");
    }
  }

  /** A database reached without TLS. */
  public PostgresConfig(String host, int port, String database, String user, String password, int poolSize) {
    this(host, port, database, user, password, poolSize, SslMode.DISABLE, "");
  }

  /** Reads {@code config.postgres}; fails naming the key that is missing or wrong. */
  public static PostgresConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("postgres");
    if (section == null) {
      throw new IllegalArgumentException("configuration lacks the postgres section");
    }
    return new PostgresConfig(
        section.getString("host"),
        section.getInteger("port", DEFAULT_PORT),
        section.getString("database"),
        section.getString("user"),
        section.getString("password", ""),
        section.getInteger("poolSize", DEFAULT_POOL_SIZE),
        sslMode(section.getString("sslMode", SslMode.DISABLE.value)),
        section.getString("trustedCertPath", ""));
  }

  private static SslMode sslMode(String value) {
    return SSL_MODES.stream().filter(mode -> mode.value.equals(value)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "postgres.sslMode must be disable, require or verify-full, was '" + value + "'"));
  }

  /** The same database, with at most {@code size} connections. */
  public PostgresConfig withPoolSize(int size) {
    return new PostgresConfig(host, port, database, user, password, size, sslMode, trustedCertPath);
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("database", database).put("user", user)
        .put("password", password).put("poolSize", poolSize).put("sslMode", sslMode.value)
        .put("trustedCertPath", trustedCertPath);
  }

  /** For the migrations (pgjdbc), with the same TLS as the pool's. */
  String jdbcUrl() {
    String url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
    if (sslMode == SslMode.DISABLE) {
      return url + "?sslmode=disable";
    }
    // pgjdbc's require accepts any certificate; the pool's checks it, as pgjdbc's verify-ca does.
    String mode = sslMode == SslMode.REQUIRE ? SslMode.VERIFY_CA.value : sslMode.value;
    return url + "?sslmode=" + mode + "&sslrootcert=" + URLEncoder.encode(trustedCertPath, StandardCharsets.UTF_8);
  }
}
