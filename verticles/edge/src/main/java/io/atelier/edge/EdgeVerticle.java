package io.atelier.edge;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.AssetRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.database.EnrichmentRepository;
import io.atelier.database.RenderRepository;
import io.atelier.database.TranscriptRepository;
import io.atelier.jobs.JobQueue;
import io.atelier.jobs.PipelineQueue;
import io.atelier.jobs.PipelineRepository;
import io.atelier.jobs.JobRepository;
import io.atelier.jobs.QueueMetrics;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP edge: REST {@code /v1}, health and metrics. Stateless: any number of instances serve the same API. */
public final class EdgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeVerticle.class);

  private Pool pool;
  private Redis redis;
  private ObjectStorage storage;
  private HttpServer server;
  private JobEventStreams eventStreams;
  private QueueMetrics queueMetrics;
  private WebhookDispatcher webhooks;

  @Override
  public Future<?> start() {
    EdgeConfig edge = EdgeConfig.from(config());
    pool = DatabasePool.create(vertx, PostgresConfig.from(config()));
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    storage = ObjectStorage.create(vertx, S3Config.from(config()));

    JobRepository jobs = new JobRepository(pool);
    AssetRepository assets = new AssetRepository(pool);
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.route("/v1/*").handler(new ApiKeyAuthHandler(new ApiKeyRepository(pool)));
    new AssetRoutes(vertx, assets, storage).mount(router, edge);
    JobQueue jobQueue = new JobQueue(jobs, redis);
    PipelineRepository pipelines = new PipelineRepository(pool);
    new JobRoutes(jobQueue, jobs, assets).mount(router);
    new PipelineRoutes(new PipelineQueue(jobs, pipelines, jobQueue), pipelines, assets).mount(router);
    new TranscriptRoutes(jobs, new TranscriptRepository(pool), storage).mount(router);
    new EnrichmentRoutes(jobs, new EnrichmentRepository(pool)).mount(router);
    new RenderRoutes(jobs, new RenderRepository(pool), storage).mount(router);
    queueMetrics = new QueueMetrics(vertx, pool);
    queueMetrics.start(5_000);
    WebhookDeliveries deliveries = new WebhookDeliveries(pool);
    new WebhookRoutes(deliveries).mount(router);
    webhooks = new WebhookDispatcher(vertx, deliveries, WebhookTargets.from(config()));
    webhooks.start();
    eventStreams = new JobEventStreams(vertx, jobs, pipelines);
    eventStreams.mount(router);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(new ProblemResponder());

    return storage.ensureBucket()
        .compose(ignored -> eventStreams.start())
        .compose(ignored -> vertx.createHttpServer(new HttpServerOptions().setHost(edge.host()).setPort(edge.port()))
            .requestHandler(router)
            .listen())
        .onSuccess(s -> {
          server = s;
          LOG.info("edge listening on http://{}:{}", edge.host(), s.actualPort());
        });
  }

  /** The port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (queueMetrics != null) {
      queueMetrics.stop();
    }
    if (webhooks != null) {
      webhooks.stop();
    }
    Future<Void> closed = (eventStreams == null ? Future.<Void>succeededFuture() : eventStreams.stop())
        .eventually(() -> server == null ? Future.succeededFuture() : server.shutdown());
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
