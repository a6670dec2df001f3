package io.atelier.launcher;

import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.Durability;
import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.FreePorts;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fresh, migrated embedded servers for one run of {@code bench jobs}, started as {@code dev} runs them or durable, and
 * what they reported of it ({@code PostgreSQL fsync=on, ...; Redis ...}). The embedded services' types stay in here:
 * no command class names them in a signature, so the command line is built where their jars are left out (see
 * {@code ProductionClasspathIT}).
 */
record BenchServers(EmbeddedServices services, PostgresConfig postgres, String reported) implements AutoCloseable {

  /** How the servers of a run write to disk. */
  enum Mode {
    DEV_DEFAULTS("fsync off (dev defaults)"),
    DURABLE("durable");

    /** What the bench's tables head the run's columns with. */
    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  private static final Duration ASK_LIMIT = Duration.ofSeconds(30);

  /** Starts the servers; fails, stopping them, if they do not report the settings {@code mode} asks for. */
  static BenchServers start(Mode mode) {
    Durability asked = switch (mode) {
      case DEV_DEFAULTS -> Durability.DEV_DEFAULTS;
      case DURABLE -> Durability.DURABLE;
    };
    // Stopped mid-run too (Ctrl-C, SIGTERM), the embedded servers stop and their folder (some 300 MB) goes with them.
    EmbeddedServices services = EmbeddedServices.startTemporary("atelier-bench-", asked);
    try {
      PostgresConfig postgres = PostgresConfig.from(
          EmbeddedMeshConfig.build(services, services.folder(), 0, "bench", FreePorts.pick(), List.of()));
      Migrations.apply(postgres);
      return new BenchServers(services, postgres, askServers(postgres, services.redisUri(), asked));
    } catch (RuntimeException e) {
      services.close();
      throw e;
    }
  }

  String redisUri() {
    return services.redisUri();
  }

  @Override
  public void close() {
    services.close();
  }

  /**
   * Asks PostgreSQL ({@code SHOW}) and Redis ({@code CONFIG GET}) for each setting {@code asked} starts them with, so
   * the figures are never labelled with what was meant rather than what ran.
   */
  private static String askServers(PostgresConfig postgres, String redisUri, Durability asked) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = DatabasePool.create(vertx, postgres.withPoolSize(1));
      Redis redis = RedisConnections.create(vertx, new RedisConfig(redisUri, 1));
      List<Future<String>> postgresAnswers = asked.postgresSettings().stream()
          .map(setting -> pool.query("SHOW " + setting.name()).execute()
              .map(rows -> rows.iterator().next().getString(0)))
          .toList();
      // RESP2 (RedisConnections): CONFIG GET answers [name, value].
      List<Future<String>> redisAnswers = asked.redisSettings().stream()
          .map(setting -> redis.send(Request.cmd(Command.CONFIG).arg("GET").arg(setting.name()))
              .map(answer -> answer.size() == 2 ? answer.get(1).toString() : "(not set)"))
          .toList();
      List<String> wrong = new ArrayList<>();
      String reported = "PostgreSQL " + compare(asked.postgresSettings(), await(postgresAnswers), wrong)
          + "; Redis " + compare(asked.redisSettings(), await(redisAnswers), wrong);
      if (!wrong.isEmpty()) {
        throw new IllegalStateException("the servers started " + asked + " report " + String.join(", ", wrong));
      }
      return reported;
    } finally {
      Blocking.await(vertx.close(), ASK_LIMIT);
    }
  }

  private static List<String> await(List<Future<String>> answers) {
    return Blocking.await(Future.all(answers).map(CompositeFuture::<String>list), ASK_LIMIT);
  }

  /** {@code name=value, ...} as reported, adding to {@code wrong} each value that is not the one asked for. */
  private static String compare(List<Durability.Setting> asked, List<String> reported, List<String> wrong) {
    List<String> named = new ArrayList<>();
    for (int i = 0; i < asked.size(); i++) {
      String setting = asked.get(i).name() + "=" + reported.get(i);
      named.add(setting);
      if (!asked.get(i).value().equals(reported.get(i))) {
        wrong.add(setting + " (asked: " + asked.get(i).value() + ")");
      }
    }
    return String.join(", ", named);
  }
}
