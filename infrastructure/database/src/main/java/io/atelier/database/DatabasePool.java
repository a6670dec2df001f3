package io.atelier.database;

import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The PostgreSQL pool. Verticles of one Vert.x instance share it, so deploying many costs no extra connections. */
public final class DatabasePool {

  private DatabasePool() {
  }

  public static Pool create(Vertx vertx, PostgresConfig config) {
    return create(vertx, config, "atelier-postgres", connectOptions(config)
        // Plans are made for each execution's actual parameters. A cached generic plan cannot see how short an
        // array of job ids is, and for the job engine's batch statements it picked plans that scan whole tables:
        // 25 ms instead of 1.7 ms per statement, growing with the tables.
        .addProperty("plan_cache_mode", "force_custom_plan"));
  }

  /**
   * A pool whose commits wait until PostgreSQL has flushed them to disk whatever the server's default
   * ({@code synchronous_commit=on} for its sessions; embedded and tuned servers often run with it off): for writes
   * that people see acknowledged as they happen, such as collaboration updates. Its own pool, so the others keep the
   * server's setting. Its statements (the document log's, each row one document's by key) keep PostgreSQL's
   * generic plans: planning each execution anew tripled the time of an append.
   */
  public static Pool createDurable(Vertx vertx, PostgresConfig config) {
    return create(vertx, config, "atelier-postgres-durable",
        connectOptions(config).addProperty("synchronous_commit", "on"));
  }

  private static PgConnectOptions connectOptions(PostgresConfig config) {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setDatabase(config.database())
        .setUser(config.user())
        .setPassword(config.password())
        .setCachePreparedStatements(true)
        .setSslMode(config.sslMode());
    if (config.sslMode() != SslMode.DISABLE) {
      // An empty algorithm checks the certificate only (require); HTTPS's rules check the host name too.
      options.setSslOptions(new ClientSSLOptions()
          .setTrustOptions(new PemTrustOptions().addCertPath(config.trustedCertPath()))
          .setHostnameVerificationAlgorithm(config.sslMode() == SslMode.VERIFY_FULL ? "HTTPS" : ""));
    }
    return options;
  }

  private static Pool create(Vertx vertx, PostgresConfig config, String name, PgConnectOptions connect) {
    PoolOptions pool = new PoolOptions()
        .setMaxSize(config.poolSize())
        .setShared(true)
        .setName(name)
        // A request waits this long for a connection before it fails, instead of hanging while PostgreSQL is down.
        .setConnectionTimeout(5)
        .setMaxWaitQueueSize(1_000);
    return PgBuilder.pool()
        .with(pool)
        .with(new NetClientOptions().setConnectTimeout(5_000))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }
}
