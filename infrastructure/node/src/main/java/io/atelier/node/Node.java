package io.atelier.node;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.NodeState;
import io.atelier.contracts.NodeStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's member of the mesh as its verticles see it: its id, whether it takes new work, and what its workers
 * hold. The launcher makes one per node and gives it to every verticle it deploys. Verticles report into it (their
 * jobs in flight) and hear from it when draining begins; the launcher says when the node is ready and what must be
 * reachable for it to stay so.
 */
public final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  /** How long one dependency check may take before it counts as failed. */
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

  /** Whether the node takes new work, and if not, why. */
  public record Readiness(boolean ready, NodeState state, List<String> failing) {
  }

  private final String id;
  private final String version;
  private final Instant startedAt = Instant.now();
  private final Map<String, Supplier<Future<Void>>> checks = new ConcurrentHashMap<>();
  private final Map<String, IntSupplier> workloads = new ConcurrentHashMap<>();
  private final List<Runnable> drainListeners = new CopyOnWriteArrayList<>();
  private final Map<String, Handler<HttpServerRequest>> localEndpoints = new ConcurrentHashMap<>();
  private volatile List<String> verticles = List.of();
  private volatile NodeState state = NodeState.STARTING;
  private volatile List<String> unreachable = List.of();
  private volatile boolean checked;
  private volatile boolean checking;
  private volatile Runnable stopWatching = () -> { };

  private Node(String id, String version) {
    this.id = id;
    this.version = version;
  }

  /** A node with a new id: this host's name, the process id and a random part, so ops can tell where it runs. */
  public static Node create(String version) {
    return new Node(hostName() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 4),
        version);
  }

  private static String hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
      int dot = name.indexOf('.');
      name = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^a-z0-9-]", "-");
      return name.isEmpty() ? "node" : name;
    } catch (UnknownHostException e) {
      return "node";
    }
  }

  public String id() {
    return id;
  }

  public String version() {
    return version;
  }

  /** The name of this node's worker of {@code kind}: what its jobs' leases carry. */
  public String workerName(JobKind kind) {
    return id + "." + kind.wireName();
  }

  public NodeState state() {
    return state;
  }

  public boolean isDraining() {
    return state == NodeState.DRAINING;
  }

  /** Every verticle is deployed: the node takes work from now on (while its dependencies answer). */
  public void started(List<String> deployed) {
    verticles = List.copyOf(deployed);
    if (state == NodeState.STARTING) {
      state = NodeState.READY;
      LOG.info("node={} ready with {}", id, deployed);
    }
  }

  /**
   * The node stops taking new work, at once and for good: readiness turns false, and every drain listener runs
   * (workers stop taking jobs, the edge starts closing connections). Returns false when it was draining already.
   */
  public boolean startDraining() {
    synchronized (this) {
      if (state == NodeState.DRAINING) {
        return false;
      }
      state = NodeState.DRAINING;
    }
    LOG.info("node={} draining", id);
    for (Runnable listener : drainListeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("node={} drain listener failed: {}", id, e.toString());
      }
    }
    return true;
  }

  /** Runs {@code listener} when draining begins (at once if it has). */
  public Registration onDraining(Runnable listener) {
    drainListeners.add(listener);
    if (isDraining()) {
      listener.run();
    }
    return () -> drainListeners.remove(listener);
  }

  /** A dependency that must answer for the node to be ready, e.g. "postgres"; the check fails when it does not. */
  public void requireReachable(String name, Supplier<Future<Void>> check) {
    checks.put(name, check);
  }

  /**
   * Offers {@code handler} to the node's other verticles under {@code name}: how the edge serves the collab
   * verticle's sockets on its own port when both run in one node, so browsers see one origin. The handler must be
   * safe to call from another verticle's event loop.
   */
  public Registration serveLocally(String name, Handler<HttpServerRequest> handler) {
    localEndpoints.put(name, handler);
    return () -> localEndpoints.remove(name, handler);
  }

  /** The handler a verticle of this node offers under {@code name}, if one does now. */
  public Optional<Handler<HttpServerRequest>> localEndpoint(String name) {
    return Optional.ofNullable(localEndpoints.get(name));
  }

  /** Reports a worker's jobs in flight under its kind, until the registration is removed. */
  public Registration reportWorkload(String kind, IntSupplier jobsInFlight) {
    workloads.put(kind, jobsInFlight);
    return () -> workloads.remove(kind, jobsInFlight);
  }

  /**
   * Checks the dependencies every {@code period} from now on, so that readiness is always at hand: a load
   * balancer's probe or a status request is answered at once, and never fans out to every dependency itself.
   */
  public void watch(Vertx vertx, Duration period) {
    checkDependencies();
    long timer = vertx.setPeriodic(period.toMillis(), t -> checkDependencies());
    stopWatching = () -> vertx.cancelTimer(timer);
  }

  /** Stops the checks {@link #watch} started. */
  public void stopWatching() {
    stopWatching.run();
  }

  private void checkDependencies() {
    if (checking) {
      return;
    }
    checking = true;
    List<String> names = new ArrayList<>(new TreeMap<>(checks).keySet());
    List<Future<Void>> results = names.stream().map(name -> timed(checks.get(name))).toList();
    Future.join(results).onComplete(ignored -> {
      List<String> failing = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        if (results.get(i).failed()) {
          failing.add(names.get(i) + ": " + results.get(i).cause().getMessage());
        }
      }
      if (!failing.equals(unreachable)) {
        if (failing.isEmpty()) {
          LOG.info("node={} dependencies all reachable", id);
        } else {
          LOG.warn("node={} dependencies unreachable, not ready: {}", id, failing);
        }
      }
      unreachable = List.copyOf(failing);
      checked = true;
      checking = false;
    });
  }

  /** Whether the node takes new work now: started, not draining, and every dependency answering when last checked. */
  public Readiness readiness() {
    NodeState now = state;
    List<String> failing = checked ? unreachable : List.of("dependencies not checked yet");
    return new Readiness(now == NodeState.READY && failing.isEmpty(), now, now == NodeState.READY ? failing : List.of());
  }

  private static Future<Void> timed(Supplier<Future<Void>> check) {
    try {
      return check.get().timeout(CHECK_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** What the node says of itself on the bus. */
  public NodeStatus status() {
    Map<String, Integer> inFlight = new TreeMap<>();
    workloads.forEach((kind, count) -> inFlight.put(kind, count.getAsInt()));
    return new NodeStatus(id, version, verticles, state, readiness().ready(), inFlight, startedAt);
  }

  /** Undoes a registration (a verticle that stops). */
  @FunctionalInterface
  public interface Registration {
    void remove();
  }
}
