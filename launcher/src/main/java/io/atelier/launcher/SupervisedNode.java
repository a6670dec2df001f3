package io.atelier.launcher;

import io.atelier.launcher.MeshPlan.NodePlan;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One node of the plan as a process of this machine: started, restarted when it dies, replaced one process by another
 * on a roll. Its output goes to {@code <logs>/<name>.log}; each process gets a scratch folder of its own.
 */
final class SupervisedNode {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** A process up this long is taken to be well: its next crash is restarted after the shortest delay again. */
  private static final Duration STABLE = Duration.ofSeconds(60);
  private static final Duration LONGEST_BACKOFF = Duration.ofSeconds(30);

  /** One process of the node; {@code leaving} once the supervisor has asked it to stop (its exit is no crash). */
  static final class Instance {
    final Process process;
    final int generation;
    final Instant startedAt;
    volatile boolean leaving;

    Instance(Process process, int generation, Instant startedAt) {
      this.process = process;
      this.generation = generation;
      this.startedAt = startedAt;
    }
  }

  final NodePlan spec;
  private final MeshPlan plan;
  private final List<String> launcher;
  private final List<Path> configFiles;
  private final Path logFile;
  private final Path scratch;
  private final ScheduledExecutorService timers;
  private final Consumer<String> say;
  private Instance current;
  private int generation;
  private int restarts;
  private int crashesInARow;
  private boolean stopping;
  /** While a roll replaces the node's process, the roll alone decides which one runs: no crash restart. */
  private boolean rolling;

  SupervisedNode(NodePlan spec, MeshPlan plan, List<String> launcher, List<Path> configFiles, Path logs, Path scratch,
                 ScheduledExecutorService timers, Consumer<String> say) {
    this.spec = spec;
    this.plan = plan;
    this.launcher = launcher;
    this.configFiles = configFiles;
    this.logFile = logs.resolve(spec.name() + ".log");
    this.scratch = scratch.resolve(spec.name());
    this.timers = timers;
    this.say = say;
  }

  /** Starts the node's first process. */
  synchronized Instance start() {
    current = launch();
    return current;
  }

  synchronized Instance current() {
    return current;
  }

  synchronized void rolling(boolean underWay) {
    rolling = underWay;
  }

  /** The process that now stands for the node; the one it replaces is from then on expected to leave. */
  synchronized void promote(Instance next) {
    if (current != null && current != next) {
      current.leaving = true;
    }
    current = next;
  }

  /** A new process of the node, on the ports its current one is not using, watched for a crash. */
  synchronized Instance launch() {
    generation++;
    int g = generation;
    Path folder = scratch.resolve(Integer.toString(g % 2));
    List<String> command = new ArrayList<>();
    command.add(launcher.get(0));
    command.addAll(plan.javaOptions());
    command.addAll(spec.javaOptions());
    command.add("-Djava.io.tmpdir=" + folder.resolve("tmp"));
    command.addAll(launcher.subList(1, launcher.size()));
    command.addAll(List.of("node", "--verticles", spec.verticles()));
    for (Path config : configFiles) {
      command.addAll(List.of("--config", config.toString()));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> env = builder.environment();
    env.put(NodeCommand.SUPERVISOR_PID, Long.toString(ProcessHandle.current().pid()));
    env.put("ATELIER_CLUSTER_PORT", Integer.toString(plan.clusterPort(spec, g)));
    env.put("ATELIER_CLUSTER_MEMBERS", String.join(",", plan.members()));
    env.put("ATELIER_METRICS_PORT", Integer.toString(plan.metricsPort(spec, g)));
    env.put("ATELIER_TRANSCRIPTION_WORK_DIRECTORY", folder.resolve("transcription").toString());
    env.put("ATELIER_RENDER_WORK_DIRECTORY", folder.resolve("render").toString());
    env.put("ATELIER_EDGE_UPLOADS_DIRECTORY", folder.resolve("uploads").toString());
    env.putAll(plan.environment());
    env.putAll(spec.environment());
    Instance instance;
    try {
      // A folder left by a process that was killed holds nothing anyone needs: its jobs and uploads live elsewhere.
      DevCommand.deleteTree(folder);
      Files.createDirectories(folder.resolve("tmp"));
      Files.createDirectories(logFile.getParent());
      instance = new Instance(builder.start(), g, Instant.now());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + spec.name() + ": " + e.getMessage(), e);
    }
    say.accept(spec.name() + ": started pid " + instance.process.pid() + " (cluster port "
        + plan.clusterPort(spec, g) + ", metrics port " + plan.metricsPort(spec, g) + ")");
    instance.process.onExit().thenAccept(p -> exited(instance));
    return instance;
  }

  /** Waits until the process answers 200 on {@code /health/ready}; fails when it exits or the plan's limit passes. */
  void awaitReady(Instance instance) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(plan.readySeconds());
    while (System.nanoTime() < deadline) {
      if (!instance.process.isAlive()) {
        throw new IllegalStateException(spec.name() + ": pid " + instance.process.pid() + " exited with "
            + instance.process.exitValue() + " before it was ready (see " + logFile + ")");
      }
      if (ready(instance)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(spec.name() + ": pid " + instance.process.pid() + " was not ready within "
        + plan.readySeconds() + " s (see " + logFile + ")");
  }

  boolean ready(Instance instance) {
    try {
      HttpRequest request = HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + plan.metricsPort(spec, instance.generation) + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException notListening) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Asks the process to drain and stop (SIGTERM, as every supervisor stops a node) and waits until it has gone;
   * past the plan's limit it is killed. The time it took.
   */
  Duration stop(Instance instance) throws InterruptedException {
    long start = System.nanoTime();
    instance.leaving = true;
    instance.process.destroy();
    if (!instance.process.waitFor(plan.stopSeconds(), TimeUnit.SECONDS)) {
      say.accept(spec.name() + ": pid " + instance.process.pid() + " still running after " + plan.stopSeconds()
          + " s; killing it");
      instance.process.destroyForcibly();
      instance.process.waitFor(30, TimeUnit.SECONDS);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Stops the node for good: no restart follows. */
  Duration stopForGood() throws InterruptedException {
    Instance last;
    synchronized (this) {
      stopping = true;
      last = current;
    }
    return last == null || !last.process.isAlive() ? Duration.ZERO : stop(last);
  }

  private void exited(Instance instance) {
    int code = instance.process.exitValue();
    synchronized (this) {
      if (instance.leaving || stopping || rolling || instance != current) {
        say.accept(spec.name() + ": pid " + instance.process.pid() + " left (exit " + code + ")");
        return;
      }
      restarts++;
      boolean wasStable = Duration.between(instance.startedAt, Instant.now()).compareTo(STABLE) > 0;
      crashesInARow = wasStable ? 1 : crashesInARow + 1;
    }
    long delay = Math.min(LONGEST_BACKOFF.toMillis(), 1_000L << Math.min(crashesInARow - 1, 5));
    say.accept(spec.name() + ": pid " + instance.process.pid() + " died (exit " + code + "); restarting in "
        + delay + " ms");
    long died = System.nanoTime();
    timers.schedule(() -> restart(died), delay, TimeUnit.MILLISECONDS);
  }

  private void restart(long died) {
    Instance restarted;
    synchronized (this) {
      if (stopping || rolling || (current != null && current.process.isAlive())) {
        return;
      }
      try {
        restarted = launch();
        current = restarted;
      } catch (RuntimeException e) {
        say.accept(spec.name() + ": " + e.getMessage() + "; trying again in " + LONGEST_BACKOFF.toSeconds() + " s");
        timers.schedule(() -> restart(died), LONGEST_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
    }
    // How long the node was missing is what ops want to know of a crash: say it once the new process is ready.
    Thread watcher = new Thread(() -> {
      try {
        awaitReady(restarted);
        say.accept(spec.name() + ": ready again, " + Math.round((System.nanoTime() - died) / 1e8) / 10.0
            + " s after its process died");
      } catch (IllegalStateException e) {
        say.accept(e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ready-" + spec.name());
    watcher.setDaemon(true);
    watcher.start();
  }

  /** What {@code GET /nodes} shows of the node. */
  JsonObject status() {
    Instance now;
    JsonObject status;
    synchronized (this) {
      now = current;
      status = new JsonObject().put("name", spec.name()).put("verticles", spec.verticles())
          .put("restarts", restarts).put("logFile", logFile.toString());
      if (now == null || !now.process.isAlive()) {
        return status.put("state", stopping ? "stopped" : "restarting");
      }
    }
    return status.put("pid", now.process.pid()).put("startedAt", now.startedAt.toString())
        .put("clusterPort", plan.clusterPort(spec, now.generation))
        .put("metricsPort", plan.metricsPort(spec, now.generation))
        .put("state", ready(now) ? "ready" : "starting");
  }
}
