package io.atelier.collab;

import io.atelier.contracts.EndpointRequest;
import io.atelier.contracts.BusMessages;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.ServiceEndpoint;
import io.atelier.database.DatabasePool;
import io.atelier.database.DocumentRepository;
import io.atelier.database.PostgresConfig;
import io.atelier.database.ProjectQuotas;
import io.atelier.node.DrainConfig;
import io.atelier.node.HealthRoutes;
import io.atelier.node.HttpProblems;
import io.atelier.node.Node;
import io.atelier.node.UnreadableRequests;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.tokens.AccessTokens;
import io.atelier.tokens.TokenConfig;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live co-editing for unmodified Yjs clients: the y-websocket protocol on {@code /collab/{document}}, every update
 * committed to the document's log in PostgreSQL before anyone else sees it, relayed to the other collab nodes over
 * the bus. Listens on {@code collab.port}, and offers its sockets to an edge of the same node so browsers see one
 * origin.
 *
 * <p>Draining: new sockets are refused; on stop, updates being committed finish, then every socket closes with
 * 1001 so its client reconnects (through the load balancer) to another node.
 */
public final class CollabVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CollabVerticle.class);

  private final Node node;
  private CollabConfig config;
  private DrainConfig drain;
  private Pool pool;
  private Redis redis;
  private ProjectConnections connections;
  private DocumentRooms rooms;
  private UpdateLog log;
  private CollabSockets sockets;
  private HttpServer server;
  private MessageConsumer<JsonObject> endpoints;
  private Node.Registration local;
  private Node.Registration onDrain;

  public CollabVerticle(Node node) {
    this.node = Objects.requireNonNull(node, "node");
  }

  @Override
  public Future<?> start() {
    config = CollabConfig.from(config());
    drain = DrainConfig.from(config());
    AccessTokens tokens = AccessTokens.create(vertx, TokenConfig.from(config()));
    // Durable before broadcast: a commit is on disk before anyone else sees the update.
    PostgresConfig postgres = PostgresConfig.from(config());
    pool = DatabasePool.createDurable(vertx, postgres);
    DocumentRepository documents = new DocumentRepository(pool);
    CollabMetrics metrics = new CollabMetrics(() -> rooms == null ? 0 : rooms.connections(),
        () -> rooms == null ? 0 : rooms.open());
    log = new UpdateLog(documents, postgres.poolSize(), metrics);
    rooms = new DocumentRooms(vertx, config, documents, log, YjsUpdates.java(), metrics, node.id());
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    connections = new ProjectConnections(vertx, redis, node.id());
    sockets = new CollabSockets(context, config, tokens, rooms, metrics, ProjectQuotas.from(pool, config()),
        connections);

    Router router = Router.router(vertx);
    HealthRoutes.mount(router, node);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.route(CollabSockets.PREFIX + "*").handler(ctx -> sockets.handle(ctx.request()));
    router.route().last().handler(HttpProblems::notFound);

    rooms.start();
    connections.start();
    return vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
            .setMaxWebSocketFrameSize(config.maxMessageBytes()).setMaxWebSocketMessageSize(config.maxMessageBytes())
            // As the reference server (ws) does: compression would cost every connection two zlib streams.
            .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false))
        .requestHandler(router)
        .invalidRequestHandler(UnreadableRequests.INSTANCE)
        .listen()
        .compose(s -> {
          server = s;
          local = node.serveLocally("collab", sockets);
          onDrain = node.onDraining(sockets::stopAccepting);
          ServiceEndpoint self = new ServiceEndpoint(node.id(), config.advertisedHost(), s.actualPort());
          endpoints = vertx.eventBus().consumer(BusAddresses.COLLAB_ENDPOINTS, message -> {
            if (BusMessages.decode(message, EndpointRequest::fromJson).isPresent() && !node.isDraining()) {
              message.reply(self.toJson());
            }
          });
          return endpoints.completion();
        })
        .onSuccess(v -> LOG.info("collab listening on ws://{}:{}{}{document}", config.host(), server.actualPort(),
            CollabSockets.PREFIX));
  }

  /** The collab port (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (sockets != null) {
      sockets.stopAccepting();
    }
    if (local != null) {
      local.remove();
    }
    if (onDrain != null) {
      onDrain.remove();
    }
    Future<Void> unregistered = endpoints == null ? Future.succeededFuture() : endpoints.unregister();
    return unregistered
        .eventually(this::commitsFinished)
        .eventually(() -> {
          if (rooms != null) {
            rooms.closeAll(CollabConnection.GOING_AWAY, "this node is stopping; reconnect");
          }
          return server == null ? Future.succeededFuture() : server.close();
        })
        .eventually(() -> connections == null ? Future.succeededFuture() : connections.stop())
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** Waits (up to the drain grace) until every update submitted has been committed or has failed. */
  private Future<Void> commitsFinished() {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + drain.grace().toNanos();
    vertx.setPeriodic(0, 10, timer -> {
      if (log == null || log.pending() == 0 || System.nanoTime() > deadline) {
        vertx.cancelTimer(timer);
        done.tryComplete();
      }
    });
    return done.future();
  }
}
