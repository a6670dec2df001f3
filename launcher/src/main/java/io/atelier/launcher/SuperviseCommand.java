package io.atelier.launcher;

import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs the nodes of a plan as processes of this machine and keeps them running; {@code atelier roll} replaces them. */
@Command(name = "supervise", mixinStandardHelpOptions = true,
    description = {"Run the nodes of a plan (a JSON file; see conf/local-mesh.json) as processes of this machine,",
        "each one 'atelier node' JVM, restarting any that dies. 'atelier roll' replaces them one at a time.",
        "With \"embedded\" in the plan, the nodes share embedded PostgreSQL, Redis and S3 started here.",
        "Ctrl-C (SIGTERM) drains and stops every node, then the embedded services."})
final class SuperviseCommand implements Callable<Integer> {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  @Parameters(index = "0", paramLabel = "PLAN", description = "The plan: which nodes to run, with what.")
  Path planFile;

  @Option(names = "--run-dir", paramLabel = "DIR", description = "Where the nodes' logs and scratch folders go "
      + "(default: the embedded data folder, else .atelier-supervise).")
  Path runDir;

  @Override
  public Integer call() throws Exception {
    MeshPlan plan = MeshPlan.read(planFile);
    Path run = (runDir != null ? runDir : plan.embeddedDataDir() != null ? plan.embeddedDataDir()
        : Path.of(".atelier-supervise")).toAbsolutePath();
    Files.createDirectories(run);
    List<Path> configs = new ArrayList<>();
    Runnable closeServices = () -> { };
    Vertx vertx = Vertx.vertx();
    if (plan.embeddedDataDir() != null) {
      // The embedded servers pick ports of their own: none of those the plan's nodes take in turn.
      FreePorts.avoid(plan.portBase(), plan.portBase() + 4 * plan.nodes().size() - 1);
      EmbeddedServices services = EmbeddedServices.start(plan.embeddedDataDir().resolve("services"));
      // A reference, not a lambda over the services (see DevCommand): this class stays loadable without them.
      closeServices = services::close;
      try {
        JsonObject config = EmbeddedMeshConfig.build(services, plan.embeddedDataDir(), 8080,
            "atelier-supervised-" + UUID.randomUUID(), plan.portBase(), plan.members());
        Migrations.apply(PostgresConfig.from(config));
        Path nodeConfig = plan.embeddedDataDir().resolve("node.json");
        DevCommand.writeNodeConfig(nodeConfig, config);
        configs.add(nodeConfig);
        String key = Blocking.await(DevCommand.developmentKey(vertx, config, plan.embeddedDataDir()), Duration.ofSeconds(30));
        Console.sayKey(key, DevCommand.rememberedKey(plan.embeddedDataDir()));
      } catch (RuntimeException e) {
        closeServices.run();
        throw e;
      }
    }
    configs.addAll(plan.configFiles());
    Supervisor supervisor = new Supervisor(plan, launcher(), configs, run.resolve("logs"), run.resolve("scratch"),
        SuperviseCommand::say);
    HttpServer control = Blocking.await(SupervisorControl.start(vertx, supervisor, plan.controlPort()), Duration.ofSeconds(30));
    Runnable stopServices = closeServices;
    CountDownLatch stopped = new CountDownLatch(1);
    StopSignals.install(() -> {
      try {
        supervisor.stop();
        Blocking.await(control.close(), Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stopServices.run();
        stopped.countDown();
      }
    });
    say("supervising " + plan.nodes().size() + " nodes; logs in " + run.resolve("logs") + "; control on http://127.0.0.1:"
        + control.actualPort());
    supervisor.start();
    say("every node is ready; Ctrl-C to stop");
    stopped.await();
    return 0;
  }

  /** The command that starts this launcher again: the same Java, the same jar (or class path, run from classes). */
  static List<String> launcher() throws URISyntaxException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path location = Path.of(AtelierCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (location.toString().endsWith(".jar")) {
      return List.of(java, "-jar", location.toString());
    }
    return List.of(java, "-cp", System.getProperty("java.class.path"), AtelierCommand.class.getName());
  }

  private static void say(String line) {
    // A JSON log event has its own time.
    Console.say(LogFormat.active() == LogFormat.JSON ? "supervise " + line
        : LocalTime.now().format(TIME) + " supervise " + line);
  }
}
