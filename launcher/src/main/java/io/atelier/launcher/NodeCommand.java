package io.atelier.launcher;

import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Joins the cluster with a chosen set of verticles, using external PostgreSQL, Redis and S3. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = {"Join the mesh's cluster and run the chosen verticles against external PostgreSQL, Redis and S3.",
        "Configuration: the --config files merged in order, then ATELIER_<SECTION>_<KEY> environment variables",
        "(e.g. ATELIER_POSTGRES_HOST, ATELIER_CLUSTER_MEMBERS=10.0.0.1:5701,10.0.0.2:5701)."})
final class NodeCommand implements Callable<Integer> {

  @Option(names = "--verticles", required = true, paramLabel = "LIST",
      description = "Comma-separated verticles to run: edge, collab, upload, transcription, enrichment, render.")
  String verticles;

  @Option(names = "--config", paramLabel = "FILE", description = "JSON configuration file (repeatable; later files win).")
  List<Path> configFiles = List.of();

  @Option(names = "--skip-migrations", description = "Do not apply database migrations at start-up.")
  boolean skipMigrations;

  /** The longest a drain may take before the stop gives up waiting (a second signal ends it at once). */
  static final Duration STOP_LIMIT = Duration.ofMinutes(10);

  /** Set by {@code atelier supervise} for the nodes it starts: its own process id. */
  static final String SUPERVISOR_PID = "ATELIER_SUPERVISOR_PID";

  @Override
  public Integer call() throws InterruptedException {
    Set<VerticleName> names = VerticleName.parseList(verticles);
    JsonObject config = MeshConfigLoader.load(configFiles, System.getenv());
    LogFormat.from(config).apply();
    if (!skipMigrations) {
      Migrations.apply(PostgresConfig.from(config));
    }
    MeshNode node = Blocking.await(MeshNode.start(config, names), Duration.ofMinutes(2));
    StopSignals.install(() -> Blocking.await(node.stop(), STOP_LIMIT));
    stopWithSupervisor(node);
    Console.say("Atelier node " + node.node().id() + " running " + verticles + "; Ctrl-C to stop");
    // However the stop was asked for (a signal, an admin's drain request), the process ends with the node.
    CountDownLatch stopped = new CountDownLatch(1);
    node.stopped().onComplete(done -> stopped.countDown());
    stopped.await();
    return 0;
  }

  /**
   * A node that {@code atelier supervise} started drains and stops when its supervisor is gone, even killed: a mesh
   * of orphans nobody restarts or rolls would be worse than none.
   */
  private static void stopWithSupervisor(MeshNode node) {
    String supervisor = System.getenv(SUPERVISOR_PID);
    if (supervisor == null) {
      return;
    }
    ProcessHandle.of(Long.parseLong(supervisor)).map(ProcessHandle::onExit)
        .orElse(java.util.concurrent.CompletableFuture.completedFuture(null))
        .thenRun(() -> {
          System.err.println("atelier: the supervisor (pid " + supervisor + ") is gone; draining");
          node.stop();
        });
  }
}
