package io.atelier.embedded;

/** Where a PostgreSQL server listens and how to log in. */
public record PostgresEndpoint(String host, int port, String database, String user, String password) {
}
