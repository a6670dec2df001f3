package io.atelier.launcher;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Every verticle in one JVM on embedded PostgreSQL, Redis and S3: the mesh on a laptop, nothing to install. */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = {"Run the whole mesh in this JVM on embedded PostgreSQL, Redis and an S3-compatible server,",
        "clustered through Hazelcast on 127.0.0.1. Data stays in --data-dir between runs. Ctrl-C stops everything."})
final class DevCommand implements Callable<Integer> {

  @Option(names = "--data-dir", defaultValue = ".atelier-dev", description = "Where data and logs live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port of the edge (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--fresh", description = "Delete the data folder first.")
  boolean fresh;

  @Option(names = "--verticles", defaultValue = "edge,collab,upload,transcription,enrichment,render", paramLabel = "LIST",
      description = "Verticles to run in this JVM (default: ${DEFAULT-VALUE}). Others can join from more JVMs with "
          + "'atelier node --config <data-dir>/node.json' and ATELIER_CLUSTER_PORT set to a free port.")
  String verticles;

  @Override
  public Integer call() throws Exception {
    Path data = dataDir.toAbsolutePath();
    if (fresh) {
      deleteTree(data);
    }
    Files.createDirectories(data);
    EmbeddedServices services = EmbeddedServices.start(data.resolve("services"));
    MeshNode node;
    try {
      int clusterPort = FreePorts.pick();
      JsonObject config = EmbeddedMeshConfig.build(services, data, port, "atelier-dev-" + UUID.randomUUID(),
          clusterPort, List.of("127.0.0.1:" + clusterPort));
      MeshConfigLoader.applyEnvironment(config, System.getenv());
      Migrations.apply(PostgresConfig.from(config));
      writeNodeConfig(data.resolve("node.json"), config);
      node = Blocking.await(MeshNode.start(config, VerticleName.parseList(verticles)), Duration.ofMinutes(3));
      String apiKey = Blocking.await(developmentKey(node.vertx(), config, data), Duration.ofSeconds(30));
      int edgePort = config.getJsonObject("edge").getInteger("port");
      Console.say("");
      Console.say("Atelier is running at http://127.0.0.1:" + edgePort + "  (data: " + data + "; Ctrl-C to stop)");
      Console.sayKey(apiKey, rememberedKey(data));
    } catch (RuntimeException e) {
      services.close();
      throw e;
    }
    MeshNode running = node;
    // A reference, not a lambda over the services: no method of this class names the embedded services' type, so
    // the command line is built where they are left out (a production image), and only `dev` itself needs them.
    Runnable closeServices = services::close;
    // The mesh drains and stops before the servers it uses: nothing polls a database that has gone.
    StopSignals.install(() -> {
      try {
        Blocking.await(running.stop(), NodeCommand.STOP_LIMIT);
      } finally {
        closeServices.run();
      }
    });
    CountDownLatch stopped = new CountDownLatch(1);
    running.stopped().onComplete(done -> stopped.countDown());
    stopped.await();
    services.close();
    return 0;
  }

  /**
   * The configuration of this development mesh, for more nodes to join it from other JVMs. It holds the embedded
   * servers' local credentials, so only the owner may read it.
   */
  static void writeNodeConfig(Path file, JsonObject config) throws IOException {
    Files.writeString(file, config.encodePrettily());
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  /** Where the development project's id and key are kept ({@code projectId}, {@code apiKey}). */
  static Path rememberedKey(Path data) {
    return data.resolve("dev-project.json");
  }

  /** The development project's key, remembered in the data folder so it stays the same across restarts. */
  static Future<String> developmentKey(Vertx vertx, JsonObject config, Path data) {
    Path remembered = rememberedKey(data);
    Pool pool = DatabasePool.create(vertx, PostgresConfig.from(config));
    ApiKeyRepository keys = new ApiKeyRepository(pool);
    Future<Boolean> reusable = Future.succeededFuture(false);
    JsonObject saved = null;
    try {
      if (Files.exists(remembered)) {
        saved = new JsonObject(Files.readString(remembered));
        reusable = keys.opens(saved.getString("apiKey"), UUID.fromString(saved.getString("projectId")));
      }
    } catch (IOException | RuntimeException unreadable) {
      saved = null;
    }
    JsonObject previous = saved;
    return reusable.compose(reuse -> reuse
            ? Future.succeededFuture(previous.getString("apiKey"))
            : keys.createProject("development").map(created -> {
              try {
                Files.writeString(remembered, new JsonObject().put("projectId", created.projectId().toString())
                    .put("apiKey", created.apiKey()).encodePrettily());
              } catch (IOException e) {
                throw new IllegalStateException("cannot write " + remembered, e);
              }
              return created.apiKey();
            }))
        .eventually(pool::close);
  }

  /** Deletes {@code root} and everything under it; nothing when it does not exist. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
