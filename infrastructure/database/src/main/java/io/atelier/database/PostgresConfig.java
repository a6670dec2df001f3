package io.atelier.database;

import io.vertx.core.json.JsonObject;

/** The {@code postgres} section of the configuration. */
public record PostgresConfig(String host, int port, String database, String user, String password, int poolSize) {

  public static final int DEFAULT_PORT = 5432;
  public static final int DEFAULT_POOL_SIZE = 8;

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
        section.getInteger("poolSize", DEFAULT_POOL_SIZE));
  }

  /** The same database, with at most {@code size} connections. */
  public PostgresConfig withPoolSize(int size) {
    return new PostgresConfig(host, port, database, user, password, size);
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("database", database).put("user", user)
        .put("password", password).put("poolSize", poolSize);
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }
}
