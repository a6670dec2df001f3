package io.atelier.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.atelier.correlation.BusRequestIds;
import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.node.DrainConfig;
import io.atelier.node.HealthRoutes;
import io.atelier.node.HttpProblems;
import io.atelier.node.Node;
import io.atelier.node.NodeStatusResponder;
import io.atelier.node.UnreadableRequests;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the mesh: a clustered Vert.x instance running a chosen set of verticles, and the {@link Node} they
 * share. It answers for itself on the bus, watches its dependencies for readiness, and stops in an order that nobody
 * notices ({@link #stop()}).
 */
public final class MeshNode {

  private static final Logger LOG = LoggerFactory.getLogger(MeshNode.class);
  private static final Duration DEPENDENCY_CHECKS = Duration.ofSeconds(1);

  private record Deployed(VerticleName name, String id) {
  }

  private final Vertx vertx;
  private final Node node;
  private final DrainConfig drain;
  private final List<Deployed> verticles;
  private final String housekeeping;
  private final NodeStatusResponder responder;
  private final HttpServer healthServer;
  private final Pool checksPool;
  private final Redis checksRedis;
  private final ObjectStorage checksStorage;
  private final Promise<Void> stopped = Promise.promise();
  private boolean stopping;

  private MeshNode(Vertx vertx, Node node, DrainConfig drain, List<Deployed> verticles, String housekeeping,
                   NodeStatusResponder responder, HttpServer healthServer, Pool checksPool, Redis checksRedis,
                   ObjectStorage checksStorage) {
    this.vertx = vertx;
    this.node = node;
    this.drain = drain;
    this.verticles = verticles;
    this.housekeeping = housekeeping;
    this.responder = responder;
    this.healthServer = healthServer;
    this.checksPool = checksPool;
    this.checksRedis = checksRedis;
    this.checksStorage = checksStorage;
  }

  /** Joins the cluster and deploys {@code verticles} in order, each with the whole configuration. */
  static Future<MeshNode> start(JsonObject config, Set<VerticleName> verticles) {
    ClusterConfig cluster = ClusterConfig.from(config);
    DrainConfig drain = DrainConfig.from(config);
    String address = resolve(cluster.host());
    Node node = Node.create(version());
    long started = System.nanoTime();
    // Netty's epoll transport where it loads (Linux): fewer system calls per WebSocket frame and HTTP request than
    // the JDK's selector; Vert.x falls back to NIO elsewhere.
    VertxOptions options = new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventBusOptions(eventBus(cluster, address));
    // metrics.enabled false: for one more node in a JVM that has one already (its metrics are the JVM's, and a node
    // stopping takes the JVM's registry with it).
    VertxBuilder builder = Vertx.builder();
    if (config.getJsonObject("metrics", new JsonObject()).getBoolean("enabled", true)) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      // Before any meter exists, so that the JVM's meters Vert.x binds are named by it too.
      registry.config().meterFilter(new PrometheusNaming());
      PrometheusNaming.bindTimesInSeconds(registry);
      builder.withMetrics(new MicrometerMetricsFactory(registry));
      options.setMetricsOptions(new MicrometerMetricsOptions()
          .setEnabled(true)
          .setJvmMetricsEnabled(true)
          .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true)));
    }
    return builder
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast(cluster, address)))
        .buildClustered()
        .compose(vertx -> {
          // Before any verticle: every message the node sends while working for a request carries its id.
          BusRequestIds.install(vertx.eventBus());
          MeterRegistry registry = BackendRegistries.getDefaultNow();
          if (registry != null) {
            // The first node of a JVM owns its registry (see metrics.enabled above), so one gauge per process.
            Gauge.builder("atelier.node.ready", node, n -> n.readiness().ready() ? 1 : 0)
                .description("1 while the node takes new work: started, not draining, its dependencies answering")
                .register(registry);
          }
          // Clients of the node's own for its readiness checks: one connection each, open as long as the node.
          Pool checksPool = DatabasePool.create(vertx, PostgresConfig.from(config).withPoolSize(1));
          Redis checksRedis = RedisConnections.create(vertx, RedisConfig.from(config));
          ObjectStorage checksStorage = ObjectStorage.create(vertx, S3Config.from(config));
          node.requireReachable("postgres", () -> checksPool.query("SELECT 1").execute().mapEmpty());
          node.requireReachable("redis", () -> checksRedis.send(Request.cmd(Command.PING)).mapEmpty());
          node.requireReachable("s3", checksStorage::reachable);
          List<Deployed> deployed = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (VerticleName name : verticles) {
            chain = chain.compose(ignored -> vertx.deployVerticle(name.create(node),
                    new DeploymentOptions().setConfig(config))
                .onSuccess(id -> {
                  deployed.add(new Deployed(name, id));
                  LOG.info("node={} deployed verticle={}", node.id(), name.cliName());
                })
                .mapEmpty());
          }
          Future<Void> deployedAll = chain;
          Promise<MeshNode> made = Promise.promise();
          // Whichever node comes first makes the bucket: a mesh of workers alone writes files too.
          checksStorage.ensureBucket()
              .onFailure(e -> LOG.warn("node={} could not make sure the bucket exists (readiness says so until it "
                  + "answers): {}", node.id(), e.toString()))
              .onComplete(ignored -> node.watch(vertx, DEPENDENCY_CHECKS))
              .transform(ignored -> deployedAll)
              // Every node takes part in the recurring housekeeping; each tick runs on one of them.
              .compose(ignored -> vertx.deployVerticle(new HousekeepingVerticle(node.id()),
                  new DeploymentOptions().setConfig(config)))
              .compose(housekeeping -> startHealthServer(vertx, config, node).compose(healthServer -> {
                MeshNode[] self = new MeshNode[1];
                NodeStatusResponder responder = new NodeStatusResponder(vertx, node, () -> self[0].drainInBackground());
                self[0] = new MeshNode(vertx, node, drain, deployed, housekeeping, responder, healthServer,
                    checksPool, checksRedis, checksStorage);
                return responder.start().map(self[0]);
              }))
              .onSuccess(meshNode -> {
                node.started(verticles.stream().map(VerticleName::cliName).toList());
                LOG.info("node={} up in {} ms with {} (cluster {} at {}:{}, bus {}; {} transport)", node.id(),
                    (System.nanoTime() - started) / 1_000_000, verticles, cluster.name(), cluster.host(), cluster.port(),
                    cluster.tls().isPresent() ? "TLS" : "plain",
                    meshNode.vertx.isNativeTransportEnabled() ? "epoll" : "NIO");
              })
              .onSuccess(made::complete)
              .onFailure(e -> {
                // Said before the instance closes: once it has, nothing can be run on its threads, not even this.
                LOG.error("node={} did not start: {}", node.id(), e.toString(), e);
                made.fail(e);
                vertx.close();
              });
          return made.future();
        });
  }

  /**
   * With {@code metrics.port} set, a node serves {@code /metrics} (Prometheus) and {@code /health/live},
   * {@code /health/ready} on it: how a node without the edge, a worker, shows its run times and its readiness.
   */
  private static Future<HttpServer> startHealthServer(Vertx vertx, JsonObject config, Node node) {
    int port = config.getJsonObject("metrics", new JsonObject()).getInteger("port", 0);
    if (port <= 0) {
      return Future.succeededFuture(null);
    }
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    HealthRoutes.mount(router, node);
    router.route().last().handler(HttpProblems::notFound);
    return vertx.createHttpServer().requestHandler(router).invalidRequestHandler(UnreadableRequests.INSTANCE)
        .listen(port)
        .onSuccess(server -> LOG.info("metrics and health on http://0.0.0.0:{}", server.actualPort()));
  }

  /** This build's version, from the launcher jar's manifest; "development" when run from classes. */
  static String version() {
    String version = MeshNode.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  /** Hazelcast binds interfaces by address only; a host name in the configuration is resolved once here. */
  private static String resolve(String host) {
    try {
      return java.net.InetAddress.getByName(host).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("cluster.host '" + host + "' does not resolve", e);
    }
  }

  /**
   * The bus between nodes, on {@code address} only; with {@code cluster.tls*}, over TLS both ways: a node accepts
   * a connection only from a node that shows a certificate the trusted ones vouch for, and sends only to one.
   * (Hazelcast's membership traffic, which carries no messages, stays plain: its TLS is an Enterprise feature.)
   */
  static EventBusOptions eventBus(ClusterConfig cluster, String address) {
    EventBusOptions options = new EventBusOptions().setHost(address).setClusterPublicHost(address)
        .setPort(cluster.eventBusPort());
    cluster.tls().ifPresent(tls -> options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()))
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.trustedCertPath()))
        .setClientAuth(ClientAuth.REQUIRED));
    return options;
  }

  static Config hazelcast(ClusterConfig cluster, String address) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(address));
    // Hazelcast listens on every interface unless told not to, whatever address it advertises: only cluster.host's.
    config.setProperty("hazelcast.socket.bind.any", "false");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Node node() {
    return node;
  }

  /** Completes once the node has stopped, whoever asked (a signal, an admin's drain request). */
  public Future<Void> stopped() {
    return stopped.future();
  }

  private void drainInBackground() {
    node.startDraining();
    vertx.runOnContext(v -> stop());
  }

  /**
   * Drains and stops the node; asking again returns the same stop. Readiness turns false at once and the workers
   * stop taking jobs; a node serving HTTP then keeps serving for {@code drain.delaySeconds} while load balancers
   * take it out of rotation; then every verticle stops together (the edge finishing its in-flight requests, the
   * workers their jobs, each within {@code drain.graceSeconds}, handing back what is left) before the clients they
   * use close; the node leaves the cluster last.
   */
  public synchronized Future<Void> stop() {
    if (stopping) {
      return stopped.future();
    }
    stopping = true;
    node.startDraining();
    boolean servesHttp = verticles.stream().anyMatch(d -> d.name() == VerticleName.EDGE) || healthServer != null;
    Duration delay = servesHttp ? drain.delay() : Duration.ZERO;
    LOG.info("node={} draining: serving {} s more, then stopping its verticles", node.id(), delay.toSeconds());
    Promise<Void> waited = Promise.promise();
    if (delay.isZero()) {
      waited.complete();
    } else {
      vertx.setTimer(delay.toMillis(), t -> waited.complete());
    }
    waited.future()
        .compose(ignored -> Future.join(undeploy(housekeeping, "housekeeping"),
            Future.join(verticles.stream().map(d -> undeploy(d.id(), d.name().cliName())).toList())).<Void>mapEmpty())
        .eventually(() -> healthServer == null ? Future.succeededFuture() : healthServer.close())
        .eventually(responder::stop)
        .eventually(() -> {
          node.stopWatching();
          checksRedis.close();
          checksStorage.close();
          return checksPool.close();
        })
        .eventually(() -> {
          LOG.info("node={} leaving the cluster", node.id());
          return vertx.close();
        })
        .onComplete(done -> stopped.tryComplete());
    return stopped.future();
  }

  private Future<Void> undeploy(String deploymentId, String what) {
    return vertx.undeploy(deploymentId)
        .onSuccess(v -> LOG.info("node={} stopped verticle={}", node.id(), what))
        .recover(e -> {
          LOG.warn("node={} undeploy of {} failed: {}", node.id(), what, e.toString());
          return Future.succeededFuture();
        });
  }
}
