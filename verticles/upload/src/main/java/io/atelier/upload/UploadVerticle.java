package io.atelier.upload;

import io.atelier.contracts.EndpointRequest;
import io.atelier.contracts.BusMessages;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.ServiceEndpoint;
import io.atelier.database.ApiKeyRepository;
import io.atelier.database.AssetRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.database.ProjectQuotas;
import io.atelier.database.RateLimitConfig;
import io.atelier.database.UploadRepository;
import io.atelier.jobs.JobEngine;
import io.atelier.node.DrainConfig;
import io.atelier.node.HealthRoutes;
import io.atelier.node.HttpProblems;
import io.atelier.node.Node;
import io.atelier.node.UnreadableRequests;
import io.atelier.redis.RateLimits;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.atelier.tokens.AccessTokens;
import io.atelier.tokens.TokenConfig;
import io.vertx.core.Future;
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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable uploads (tus 1.0.0 at {@code /files/}) streamed into S3 multipart uploads, with their state in
 * PostgreSQL so that any upload node takes any request of any upload. Served on its own port, and through the edge
 * of the same node ({@link Node#serveLocally}) or of any other (which asks {@link BusAddresses#UPLOAD_ENDPOINTS}).
 *
 * <p>Draining: the node stops answering for new requests through other edges; on stop, the PATCHes under way get
 * {@code drain.graceSeconds} to end, and one cut short keeps what it had received (its client resumes elsewhere).
 */
public final class UploadVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(UploadVerticle.class);

  private final Node node;
  private Pool pool;
  private ObjectStorage storage;
  private Redis redis;
  private HttpServer server;
  private DrainConfig drain;
  private MessageConsumer<JsonObject> endpoints;
  private Node.Registration local;

  public UploadVerticle(Node node) {
    this.node = Objects.requireNonNull(node, "node");
  }

  @Override
  public Future<?> start() {
    UploadConfig config = UploadConfig.from(config());
    drain = DrainConfig.from(config());
    pool = DatabasePool.create(vertx, PostgresConfig.from(config()));
    storage = ObjectStorage.create(vertx, S3Config.from(config()));
    UploadRepository uploads = new UploadRepository(pool);
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    UploadMetrics metrics = new UploadMetrics();
    UploadCompletion completion = new UploadCompletion(vertx, uploads, new AssetRepository(pool), storage,
        JobEngine.create(vertx, pool, redis).pipelineQueue(), metrics, config);
    Router files = Router.router(vertx);
    new TusRoutes(vertx, config, uploads, new ApiKeyRepository(pool),
        AccessTokens.create(vertx, TokenConfig.from(config())),
        new UploadRateLimit(new RateLimits(redis), RateLimitConfig.from(config())), storage, completion, metrics,
        ProjectQuotas.from(pool, config())).mount(files);

    Router router = Router.router(vertx);
    HealthRoutes.mount(router, node);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.route(TusRoutes.PREFIX + "*").handler(ctx -> files.handle(ctx.request()));
    router.route().last().handler(HttpProblems::notFound);

    return storage.ensureBucket()
        .compose(v -> vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
            .requestHandler(router)
            .invalidRequestHandler(UnreadableRequests.INSTANCE)
            .listen())
        .compose(s -> {
          server = s;
          local = node.serveLocally("upload", files);
          ServiceEndpoint self = new ServiceEndpoint(node.id(), config.advertisedHost(), s.actualPort());
          endpoints = vertx.eventBus().consumer(BusAddresses.UPLOAD_ENDPOINTS, message -> {
            if (BusMessages.decode(message, EndpointRequest::fromJson).isPresent() && !node.isDraining()) {
              message.reply(self.toJson());
            }
          });
          return endpoints.completion();
        })
        .onSuccess(v -> LOG.info("upload listening on http://{}:{}{}", config.host(), server.actualPort(),
            TusRoutes.PREFIX));
  }

  /** The upload port (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (local != null) {
      local.remove();
    }
    Future<Void> unregistered = endpoints == null ? Future.succeededFuture() : endpoints.unregister();
    return unregistered
        .eventually(() -> server == null ? Future.succeededFuture()
            : server.shutdown(drain.grace().toMillis(), TimeUnit.MILLISECONDS))
        .eventually(() -> {
          if (storage != null) {
            storage.close();
          }
          if (redis != null) {
            redis.close();
          }
          return pool == null ? Future.succeededFuture() : pool.close();
        });
  }
}
