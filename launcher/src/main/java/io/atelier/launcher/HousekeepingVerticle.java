package io.atelier.launcher;

import io.atelier.contracts.JobKind;
import io.atelier.database.AssetRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.database.RenderRepository;
import io.atelier.database.TranscriptRepository;
import io.atelier.database.UploadRepository;
import io.atelier.edge.WebhookDeliveries;
import io.atelier.jobs.JobEngine;
import io.atelier.jobs.JobRepository;
import io.atelier.jobs.JobSweeper;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.scheduler.ScheduledTask;
import io.atelier.scheduler.Scheduler;
import io.atelier.scheduler.Schedules;
import io.atelier.storage.ObjectKeys;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.OrphanedFiles;
import io.atelier.storage.S3Config;
import io.atelier.upload.ExpiredUploads;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The mesh's recurring housekeeping, on every node and run once per tick across them ({@link Scheduler}). Each task
 * is the work of the module that owns what it cleans; this verticle only puts them on their schedules, which can be
 * changed under {@code schedule.<task>} in the configuration.
 */
final class HousekeepingVerticle extends VerticleBase {

  /** The tasks and their default schedules (UTC). */
  static final Map<String, String> DEFAULT_SCHEDULES = Map.of(
      "sweep-stalled-jobs", "* * * * *",
      "purge-idempotency-keys", "17 * * * *",
      "purge-webhook-deliveries", "23 3 * * *",
      "delete-abandoned-uploads", "41 * * * *",
      "purge-expired-artifacts", "47 4 * * *",
      "expire-uploads", "*/5 * * * *");

  /** How old a file without its row must be before it is deleted: long past any write still on its way. */
  static final Duration ORPHANED_FILE_AGE = Duration.ofHours(1);
  static final Duration IDEMPOTENCY_KEY_AGE = Duration.ofHours(24);
  static final Duration FINISHED_DELIVERY_AGE = Duration.ofDays(30);

  private final String nodeId;
  private Pool pool;
  private Redis redis;
  private ObjectStorage storage;
  private Scheduler scheduler;

  HousekeepingVerticle(String nodeId) {
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    Map<String, String> schedules = Schedules.read(config(), DEFAULT_SCHEDULES);
    pool = DatabasePool.create(vertx, PostgresConfig.from(config()));
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    storage = ObjectStorage.create(vertx, S3Config.from(config()));
    JobEngine engine = JobEngine.create(vertx, pool, redis);
    OrphanedFiles orphans = orphanedFiles(pool, storage, null);
    WebhookDeliveries deliveries = new WebhookDeliveries(pool);
    List<ScheduledTask> tasks = List.of(
        new ScheduledTask("sweep-stalled-jobs", schedules.get("sweep-stalled-jobs"), () -> new JobSweeper(vertx,
                engine.jobs(), engine.queue(), List.of(JobKind.values()), Duration.ofMinutes(1), Duration.ofMinutes(1))
            .sweep()
            .map(published -> "published " + published + " jobs")),
        new ScheduledTask("purge-idempotency-keys", schedules.get("purge-idempotency-keys"), () -> engine.jobs()
            .purgeIdempotencyKeys(IDEMPOTENCY_KEY_AGE)
            .map(n -> "deleted " + n + " keys older than 24 h")),
        new ScheduledTask("purge-webhook-deliveries", schedules.get("purge-webhook-deliveries"), () -> deliveries
            .purgeFinished(FINISHED_DELIVERY_AGE)
            .map(n -> "deleted " + n + " deliveries older than 30 days")),
        new ScheduledTask("delete-abandoned-uploads", schedules.get("delete-abandoned-uploads"), () -> orphans
            .delete(EnumSet.of(ObjectKeys.Folder.ASSETS, ObjectKeys.Folder.UPLOADS), ORPHANED_FILE_AGE)
            .map(n -> "deleted " + n + " uploaded files no asset names")),
        new ScheduledTask("purge-expired-artifacts", schedules.get("purge-expired-artifacts"), () -> orphans
            .delete(EnumSet.of(ObjectKeys.Folder.TRANSCRIPTS, ObjectKeys.Folder.RENDERS), ORPHANED_FILE_AGE)
            .map(n -> "deleted " + n + " job output files no result names")),
        new ScheduledTask("expire-uploads", schedules.get("expire-uploads"), () -> new ExpiredUploads(pool, storage)
            .clean()
            .map(n -> "expired " + n + " unfinished uploads and deleted their parts")));
    scheduler = new Scheduler(vertx, pool, nodeId, tasks);
    return scheduler.start();
  }

  /**
   * The sweep of files no row names, under {@code project}'s files or every project's (null). An asset's original
   * is wanted while its asset row exists; an upload's tail while the upload receives; a job's outputs while its result row exists or the job has not finished
   * (its next attempt writes the same keys and then its row).
   */
  static OrphanedFiles orphanedFiles(Pool pool, ObjectStorage storage, UUID project) {
    AssetRepository assets = new AssetRepository(pool);
    TranscriptRepository transcripts = new TranscriptRepository(pool);
    RenderRepository renders = new RenderRepository(pool);
    JobRepository jobs = new JobRepository(pool);
    UploadRepository uploads = new UploadRepository(pool);
    return new OrphanedFiles(storage, ObjectKeys.prefix(project), Map.of(
        ObjectKeys.Folder.ASSETS, assets::existing,
        ObjectKeys.Folder.UPLOADS, uploads::receiving,
        ObjectKeys.Folder.TRANSCRIPTS, ids -> union(transcripts.existing(ids), jobs.unfinished(ids)),
        ObjectKeys.Folder.RENDERS, ids -> union(renders.existing(ids), jobs.unfinished(ids))));
  }

  private static Future<Set<UUID>> union(Future<Set<UUID>> a, Future<Set<UUID>> b) {
    return Future.all(a, b).map(both -> {
      Set<UUID> all = new HashSet<>(a.result());
      all.addAll(b.result());
      return all;
    });
  }

  @Override
  public Future<?> stop() {
    if (scheduler != null) {
      scheduler.stop();
    }
    redis.close();
    storage.close();
    return pool.close();
  }
}
