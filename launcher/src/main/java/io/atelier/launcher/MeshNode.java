package io.atelier.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One member of the mesh: a clustered Vert.x instance running a chosen set of verticles. */
public final class MeshNode {

  private static final Logger LOG = LoggerFactory.getLogger(MeshNode.class);

  private final Vertx vertx;
  private final List<String> deployments;

  private MeshNode(Vertx vertx, List<String> deployments) {
    this.vertx = vertx;
    this.deployments = deployments;
  }

  /** Joins the cluster and deploys {@code verticles} in order, each with the whole configuration. */
  static Future<MeshNode> start(JsonObject config, Set<VerticleName> verticles) {
    ClusterConfig cluster = ClusterConfig.from(config);
    String address = resolve(cluster.host());
    long started = System.nanoTime();
    return Vertx.builder()
        .with(new VertxOptions()
            .setEventBusOptions(new EventBusOptions().setHost(address).setClusterPublicHost(address)
                .setPort(cluster.eventBusPort()))
            .setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true))))
        .withClusterManager(new HazelcastClusterManager(hazelcast(cluster, address)))
        .buildClustered()
        .compose(vertx -> {
          List<String> deployed = Collections.synchronizedList(new ArrayList<>());
          Future<Void> chain = Future.succeededFuture();
          for (VerticleName name : verticles) {
            chain = chain.compose(ignored -> vertx.deployVerticle(name.create(), new DeploymentOptions().setConfig(config))
                .onSuccess(id -> {
                  deployed.add(id);
                  LOG.info("deployed verticle={}", name.cliName());
                })
                .mapEmpty());
          }
          // Every node takes part in the recurring housekeeping; each tick runs on one of them.
          chain = chain.compose(ignored -> vertx.deployVerticle(new io.atelier.jobs.SchedulerVerticle(),
                  new DeploymentOptions().setConfig(config))
              .onSuccess(deployed::add)
              .mapEmpty());
          return chain
              .compose(ignored -> startMetricsServer(vertx, config))
              .map(ignored -> new MeshNode(vertx, deployed))
              .onSuccess(node -> LOG.info("node up in {} ms with {} (cluster {} at {}:{})",
                  (System.nanoTime() - started) / 1_000_000, verticles, cluster.name(), cluster.host(), cluster.port()))
              .recover(e -> vertx.close().transform(ignored -> Future.failedFuture(e)));
        });
  }

  /**
   * With {@code metrics.port} set, the node serves {@code /metrics} (Prometheus) and {@code /health} on it: how a
   * node without the edge, a worker, shows its run times and failures.
   */
  private static Future<Void> startMetricsServer(Vertx vertx, JsonObject config) {
    int port = config.getJsonObject("metrics", new JsonObject()).getInteger("port", 0);
    if (port <= 0) {
      return Future.succeededFuture();
    }
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
    router.get("/metrics").handler(io.vertx.micrometer.PrometheusScrapingHandler.create());
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    return vertx.createHttpServer().requestHandler(router).listen(port)
        .onSuccess(server -> LOG.info("metrics on http://0.0.0.0:{}/metrics", server.actualPort()))
        .mapEmpty();
  }

  /** Hazelcast binds interfaces by address only; a host name in the configuration is resolved once here. */
  private static String resolve(String host) {
    try {
      return java.net.InetAddress.getByName(host).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("cluster.host '" + host + "' does not resolve", e);
    }
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
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Undeploys the verticles (each drains its work), then leaves the cluster. */
  public Future<Void> stop() {
    List<String> reversed = new ArrayList<>(deployments);
    Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) {
      chain = chain.compose(ignored -> vertx.undeploy(id).recover(e -> {
        LOG.warn("undeploy {} failed: {}", id, e.toString());
        return Future.succeededFuture();
      }));
    }
    return chain.eventually(vertx::close);
  }
}
