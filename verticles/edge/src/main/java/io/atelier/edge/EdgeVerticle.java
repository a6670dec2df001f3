package io.atelier.edge;

import io.atelier.contracts.transcription.TranscriptionEngines;
import io.atelier.correlation.RequestIdHandler;
import io.atelier.database.ApiKeyRepository;
import io.atelier.database.AssetRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.DocumentRepository;
import io.atelier.database.EnrichmentRepository;
import io.atelier.database.PostgresConfig;
import io.atelier.database.ProjectQuotas;
import io.atelier.database.RateLimitConfig;
import io.atelier.database.RenderRepository;
import io.atelier.database.TranscriptRepository;
import io.atelier.database.UploadRepository;
import io.atelier.jobs.JobEngine;
import io.atelier.jobs.QueueMetrics;
import io.atelier.node.DrainConfig;
import io.atelier.node.HealthRoutes;
import io.atelier.node.Node;
import io.atelier.node.UnreadableRequests;
import io.atelier.outbound.OutboundTargets;
import io.atelier.redis.RateLimits;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.atelier.tokens.AccessTokens;
import io.atelier.tokens.TokenConfig;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: REST {@code /v1}, health and metrics. Stateless: any number of instances serve the same API.
 *
 * <p>Draining: once the node drains, every response says {@code Connection: close}, so clients and load balancers
 * open their next request elsewhere while readiness already says no. When the edge stops, its event streams end
 * with a hint to reconnect (they resume on another edge by {@code Last-Event-ID}), the server stops accepting and
 * gives in-flight requests {@code drain.graceSeconds} to finish.
 */
public final class EdgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeVerticle.class);
  /** The largest WebSocket frame or message the edge reads: at least any collab node's {@code collab.maxMessageBytes}. */
  private static final int MAX_WEBSOCKET_MESSAGE_BYTES = 32 << 20;

  private final Node node;
  private Pool pool;
  private Redis redis;
  private ObjectStorage storage;
  private HttpServer server;
  private JobEventStreams eventStreams;
  private CollabRoute collabRoute;
  private JobCompletions completions;
  private QueueMetrics queueMetrics;
  private WebhookDispatcher webhooks;
  private DrainConfig drain;
  private Node.Registration onDrain;
  private volatile boolean closingConnections;

  public EdgeVerticle(Node node) {
    this.node = Objects.requireNonNull(node, "node");
  }

  @Override
  public Future<?> start() {
    return ApiContract.load(vertx).compose(contract -> vertx.executeBlocking(WebApp::fromClassPath)
        .compose(app -> start(contract, app)));
  }

  private Future<?> start(ApiContract contract, WebApp app) {
    EdgeConfig edge = EdgeConfig.from(config());
    drain = DrainConfig.from(config());
    OutboundTargets webhookTargets = WebhooksConfig.from(config()).targets();
    pool = DatabasePool.create(vertx, PostgresConfig.from(config()));
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    storage = ObjectStorage.create(vertx, S3Config.from(config()));
    JobEngine engine = JobEngine.create(vertx, pool, redis);
    AssetRepository assets = new AssetRepository(pool);

    Router router = Router.router(vertx);
    // First: whatever answers the request, and every line logged while handling it, carries its id.
    router.route().handler(new RequestIdHandler());
    router.route().handler(ctx -> {
      if (closingConnections) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      }
      ctx.next();
    });
    HealthRoutes.mount(router, node);
    collabRoute = new CollabRoute(vertx, node, MAX_WEBSOCKET_MESSAGE_BYTES);
    collabRoute.mount(router);
    new UploadRoute(vertx, node).mount(router);
    if (app != null) {
      app.mount(router, storage.presignGet(WebApp.RESOURCES, java.time.Duration.ofMinutes(1)));
    }
    if (!edge.webDirectory().isEmpty()) {
      router.route("/app/*").handler(StaticHandler.create(FileSystemAccess.ROOT, edge.webDirectory())
          .setCachingEnabled(false));
    }
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    ApiKeyRepository keys = new ApiKeyRepository(pool);
    AccessTokens tokens = AccessTokens.create(vertx, TokenConfig.from(config()));
    router.route("/v1/*").handler(new ApiKeyAuthHandler(keys, tokens));
    router.route("/v1/*").handler(new RateLimiter(new RateLimits(redis), RateLimitConfig.from(config())));
    router.route("/v1/*").handler(new SlowBodies(vertx, edge.bodyWait(), contract));
    contract.mount(router);
    new KeyRoutes(keys).mount(router);
    new AdminRoutes(vertx).mount(router);
    StoredFiles files = new StoredFiles(vertx, storage);
    ProjectQuotas quotas = ProjectQuotas.from(pool, config());
    AssetIntake intake = new AssetIntake(vertx, assets, storage, quotas);
    new AssetRoutes(vertx, assets, new UploadRepository(pool), tokens, intake, files, engine.pipelines())
        .mount(router, edge);
    new SessionRoutes(tokens).mount(router);
    completions = new JobCompletions(vertx, engine.jobs());
    new OpenAiAudioRoutes(vertx, engine.queue(), new TranscriptRepository(pool), intake, quotas, completions,
        TranscriptionEngines.configured(config()), edge.transcriptionWait()).mount(router, edge);
    new JobRoutes(engine.queue(), engine.jobs(), assets, webhookTargets, quotas).mount(router);
    new PipelineRoutes(engine.pipelineQueue(), engine.pipelines(), assets, webhookTargets, quotas).mount(router);
    YjsUpdates yjs = YjsUpdates.java();
    DocumentRepository documents = new DocumentRepository(pool);
    new TranscriptRoutes(vertx, engine.jobs(), new TranscriptRepository(pool), documents, yjs, storage).mount(router);
    new EnrichmentRoutes(engine.jobs(), new EnrichmentRepository(pool)).mount(router);
    new RenderRoutes(engine.jobs(), new RenderRepository(pool), files).mount(router);
    new DocumentRoutes(vertx, documents, tokens, yjs, node.id())
        .mount(router);
    queueMetrics = new QueueMetrics(vertx, pool);
    queueMetrics.start(5_000);
    WebhookDeliveries deliveries = new WebhookDeliveries(pool);
    new WebhookRoutes(deliveries).mount(router);
    webhooks = new WebhookDispatcher(vertx, deliveries, webhookTargets);
    webhooks.start();
    eventStreams = new JobEventStreams(vertx, engine.jobs(), engine.pipelines());
    eventStreams.mount(router);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(new ProblemResponder());
    List<String> undocumented = contract.undocumented(router);
    if (!undocumented.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("routes missing from " + ApiContract.RESOURCE + ": "
          + undocumented));
    }

    return storage.ensureBucket()
        .compose(ignored -> eventStreams.start())
        .compose(ignored -> completions.start())
        .compose(ignored -> vertx.createHttpServer(new HttpServerOptions().setHost(edge.host()).setPort(edge.port())
                // Collaboration sockets pass through here; the collab verticle holds them to its own limit.
                .setMaxWebSocketFrameSize(MAX_WEBSOCKET_MESSAGE_BYTES)
                .setMaxWebSocketMessageSize(MAX_WEBSOCKET_MESSAGE_BYTES)
                .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false))
            .requestHandler(router)
            .invalidRequestHandler(UnreadableRequests.INSTANCE)
            .listen())
        .onSuccess(s -> {
          server = s;
          onDrain = node.onDraining(() -> closingConnections = true);
          LOG.info("edge listening on http://{}:{}", edge.host(), s.actualPort());
        });
  }

  /** The port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    closingConnections = true;
    if (onDrain != null) {
      onDrain.remove();
    }
    if (queueMetrics != null) {
      queueMetrics.stop();
    }
    if (webhooks != null) {
      webhooks.stop();
    }
    if (collabRoute != null) {
      collabRoute.stop();
    }
    Future<Void> closed = (eventStreams == null ? Future.<Void>succeededFuture() : eventStreams.stop())
        .eventually(() -> server == null ? Future.succeededFuture()
            : server.shutdown(drain.grace().toMillis(), TimeUnit.MILLISECONDS))
        // After the grace: requests waiting for a transcription had that long to get their answer.
        .eventually(() -> completions == null ? Future.succeededFuture() : completions.stop());
    return closed.eventually(() -> {
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
