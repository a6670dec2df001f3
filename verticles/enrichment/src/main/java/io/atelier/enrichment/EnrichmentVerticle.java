package io.atelier.enrichment;

import io.atelier.contracts.JobKind;
import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.database.TranscriptRepository;
import io.atelier.jobs.JobRepository;
import io.atelier.jobs.JobWorker;
import io.atelier.jobs.PipelineRepository;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.jobs.WorkerConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.Duration;

/** Pulls enrichment jobs from the queue and analyses transcripts; runs on any node, as many as you like. */
public final class EnrichmentVerticle extends VerticleBase {

  private Pool pool;
  private Redis redis;
  private WorkerExecutor workers;
  private JobWorker worker;

  @Override
  public Future<?> start() {
    EnrichmentConfig config = EnrichmentConfig.from(config());
    pool = DatabasePool.create(vertx, PostgresConfig.from(config()));
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    // The analysis is CPU work on whole transcripts: off the event loop.
    workers = vertx.createSharedWorkerExecutor("atelier-enrichment", config.concurrency());
    EnrichmentJobHandler handler = new EnrichmentJobHandler(new TranscriptRepository(pool),
        new PipelineRepository(pool), workers);
    worker = new JobWorker(vertx, redis, new JobRepository(pool), JobKind.ENRICHMENT,
        JobWorker.uniqueWorkerName("enrichment"),
        new WorkerConfig(config.concurrency(), config.lease(), Duration.ofSeconds(2)), handler);
    return worker.start();
  }

  @Override
  public Future<?> stop() {
    Future<Void> drained = worker == null ? Future.succeededFuture() : worker.stop();
    return drained.eventually(() -> {
      workers.close();
      redis.close();
      return pool.close();
    });
  }
}
