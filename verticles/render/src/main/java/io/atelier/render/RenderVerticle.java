package io.atelier.render;

import io.atelier.contracts.JobKind;
import io.atelier.database.AssetRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.jobs.JobRepository;
import io.atelier.jobs.JobWorker;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.jobs.WorkerConfig;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;

/** Pulls render jobs from the queue and runs them with ffmpeg; runs on any node, as many as you like. */
public final class RenderVerticle extends VerticleBase {

  private Pool pool;
  private Redis redis;
  private ObjectStorage storage;
  private WorkerExecutor workers;
  private JobWorker worker;

  @Override
  public Future<?> start() {
    RenderConfig config = RenderConfig.from(config());
    pool = DatabasePool.create(vertx, PostgresConfig.from(config()));
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    storage = ObjectStorage.create(vertx, S3Config.from(config()));
    workers = vertx.createSharedWorkerExecutor("atelier-render", config.concurrency() + 1);
    RenderJobHandler handler = new RenderJobHandler(new AssetRepository(pool), storage,
        new WaveformRenderer(config.ffmpegPath()), workers, Path.of(config.workDirectory()));
    worker = new JobWorker(vertx, redis, new JobRepository(pool), JobKind.RENDER, JobWorker.uniqueWorkerName("render"),
        new WorkerConfig(config.concurrency(), config.lease(), Duration.ofSeconds(2)), handler);
    return worker.start();
  }

  @Override
  public Future<?> stop() {
    Future<Void> drained = worker == null ? Future.succeededFuture() : worker.stop();
    return drained.eventually(() -> {
      workers.close();
      storage.close();
      redis.close();
      return pool.close();
    });
  }
}
