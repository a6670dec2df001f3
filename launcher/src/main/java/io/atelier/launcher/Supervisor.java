package io.atelier.launcher;

import io.atelier.launcher.SupervisedNode.Instance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The nodes of a plan as processes of this machine: starts them, restarts one that dies, and rolls the nodes of one
 * verticle kind one at a time. What it does, it says through {@code say} (one line an event).
 */
final class Supervisor {

  private final List<SupervisedNode> nodes = new ArrayList<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "atelier-supervisor");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicBoolean rolling = new AtomicBoolean();
  private final Consumer<String> say;
  private final Duration settle;

  /** A roll is already under way; only one runs at a time. */
  static final class Busy extends IllegalStateException {
    Busy() {
      super("a roll is under way; wait until it ends");
    }
  }

  Supervisor(MeshPlan plan, List<String> launcher, List<Path> configFiles, Path logs, Path scratch,
             Consumer<String> say) {
    this.say = say;
    this.settle = Duration.ofSeconds(plan.settleSeconds());
    for (MeshPlan.NodePlan node : plan.nodes()) {
      nodes.add(new SupervisedNode(node, plan, launcher, configFiles, logs, scratch, timers, say));
    }
  }

  /** Starts every node at once and waits until all are ready. */
  void start() throws InterruptedException {
    List<Instance> started = new ArrayList<>();
    for (SupervisedNode node : nodes) {
      started.add(node.start());
    }
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).awaitReady(started.get(i));
      say.accept(nodes.get(i).spec.name() + ": ready");
    }
  }

  JsonArray status() {
    JsonArray status = new JsonArray();
    nodes.forEach(node -> status.add(node.status()));
    return status;
  }

  /** The nodes that run {@code verticle}, in the plan's order. */
  List<SupervisedNode> running(VerticleName verticle) {
    return nodes.stream().filter(node -> node.spec.runs(verticle)).toList();
  }

  boolean rolling() {
    return rolling.get();
  }

  /**
   * Replaces every node that runs {@code verticle} (every node, for null), one at a time, telling {@code events} each
   * step. A node that owns a port is drained first and its replacement started once it has left (the balancer, or the
   * edges, send to the others meanwhile); any other node's replacement starts first and the old one is drained once
   * it is ready, so the mesh never has fewer of them. Stops at the first replacement that does not get ready, leaving
   * the old process running where one still is. Between two nodes it waits the plan's {@code settleSeconds}.
   */
  void roll(VerticleName verticle, Consumer<JsonObject> asked) throws InterruptedException {
    Consumer<JsonObject> events = event -> {
      say.accept("roll: " + event.encode());
      asked.accept(event);
    };
    List<SupervisedNode> targets = verticle == null ? List.copyOf(nodes) : running(verticle);
    String what = verticle == null ? "all" : verticle.cliName();
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no supervised node runs " + what);
    }
    if (!rolling.compareAndSet(false, true)) {
      throw new Busy();
    }
    try {
      long start = System.nanoTime();
      for (int i = 0; i < targets.size(); i++) {
        if (i > 0 && !settle.isZero()) {
          // Ready is what the node says; the balancer in front and the other nodes take a few checks to agree.
          events.accept(event("settling", targets.get(i - 1).spec.name()).put("seconds", settle.toSeconds()));
          Thread.sleep(settle.toMillis());
        }
        replace(targets.get(i), events);
      }
      events.accept(new JsonObject().put("event", "rolled").put("verticle", what)
          .put("nodes", targets.size()).put("seconds", seconds(System.nanoTime() - start)));
    } finally {
      rolling.set(false);
    }
  }

  private void replace(SupervisedNode node, Consumer<JsonObject> events) throws InterruptedException {
    node.rolling(true);
    try {
      replaceProcess(node, events);
    } finally {
      node.rolling(false);
    }
  }

  private void replaceProcess(SupervisedNode node, Consumer<JsonObject> events) throws InterruptedException {
    String name = node.spec.name();
    Instance old = node.current();
    boolean oldRunning = old != null && old.process.isAlive();
    if (node.spec.ownsPort() && oldRunning) {
      events.accept(event("draining", name).put("pid", old.process.pid()));
      Duration left = node.stop(old);
      events.accept(event("left", name).put("pid", old.process.pid()).put("seconds", seconds(left.toNanos())));
      oldRunning = false;
    }
    long starting = System.nanoTime();
    Instance next = node.launch();
    events.accept(event("starting", name).put("pid", next.process.pid()));
    if (!oldRunning) {
      // Nothing else stands for the node: this process does from now on, crash restarts included.
      node.promote(next);
    }
    try {
      node.awaitReady(next);
    } catch (IllegalStateException e) {
      if (oldRunning) {
        next.leaving = true;
        next.process.destroyForcibly();
      }
      throw e;
    }
    events.accept(event("ready", name).put("pid", next.process.pid())
        .put("seconds", seconds(System.nanoTime() - starting)));
    if (oldRunning) {
      node.promote(next);
      events.accept(event("draining", name).put("pid", old.process.pid()));
      Duration left = node.stop(old);
      events.accept(event("left", name).put("pid", old.process.pid()).put("seconds", seconds(left.toNanos())));
    }
  }

  /** Drains every node at once and waits until all have gone. */
  void stop() throws InterruptedException {
    List<Thread> stoppers = new ArrayList<>();
    for (SupervisedNode node : nodes) {
      Thread stopper = new Thread(() -> {
        try {
          node.stopForGood();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "stop-" + node.spec.name());
      stopper.start();
      stoppers.add(stopper);
    }
    for (Thread stopper : stoppers) {
      stopper.join();
    }
    timers.shutdownNow();
  }

  private static JsonObject event(String event, String node) {
    return new JsonObject().put("event", event).put("node", node);
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e8) / 10.0;
  }
}
