package io.atelier.transcription;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pulls transcription jobs from the queue and runs them with Vosk; runs on any node, as many as you like. */
public final class TranscriptionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TranscriptionVerticle.class);

  private Pool pool;
  private Redis redis;
  private ObjectStorage storage;
  private WorkerExecutor recognisers;
  private VoskSpeechEngine engine;
  private JobWorker worker;

  @Override
  public Future<?> start() {
    TranscriptionConfig config = TranscriptionConfig.from(config());
    pool = DatabasePool.create(vertx, PostgresConfig.from(config()));
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    storage = ObjectStorage.create(vertx, S3Config.from(config()));
    recognisers = vertx.createSharedWorkerExecutor("atelier-transcription", config.concurrency() + 1);
    FfmpegAudioDecoder decoder = new FfmpegAudioDecoder(config.ffmpegPath());
    long loading = System.nanoTime();
    return recognisers.executeBlocking(() -> VoskSpeechEngine.load(VoskModelLocator.locate(config), decoder), false)
        .compose(loaded -> {
          engine = loaded;
          LOG.info("vosk model loaded in {} ms", (System.nanoTime() - loading) / 1_000_000);
          TranscriptionJobHandler handler = new TranscriptionJobHandler(new AssetRepository(pool), storage, engine,
              recognisers, Path.of(config.workDirectory()));
          worker = new JobWorker(vertx, redis, new JobRepository(pool), JobKind.TRANSCRIPTION,
              JobWorker.uniqueWorkerName("transcription"),
              new WorkerConfig(config.concurrency(), config.lease(), Duration.ofSeconds(2)), handler);
          return worker.start();
        });
  }

  @Override
  public Future<?> stop() {
    Future<Void> drained = worker == null ? Future.succeededFuture() : worker.stop();
    return drained.eventually(() -> {
      if (engine != null) {
        engine.close();
      }
      recognisers.close();
      storage.close();
      redis.close();
      return pool.close();
    });
  }
}
