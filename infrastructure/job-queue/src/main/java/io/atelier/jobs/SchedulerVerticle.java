package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mesh's recurring housekeeping, on every node and run once per tick across them (see {@link Scheduler}). Each
 * task's cron expression can be changed under {@code schedule.<task>} in the configuration.
 */
public final class SchedulerVerticle extends VerticleBase {

  /** The built-in tasks and their default schedules (UTC). */
  static final Map<String, String> DEFAULT_SCHEDULES = Map.of(
      "sweep-stalled-jobs", "* * * * *",
      "purge-idempotency-keys", "17 * * * *",
      "purge-webhook-deliveries", "23 3 * * *",
      "delete-abandoned-uploads", "41 * * * *",
      "purge-expired-artifacts", "47 4 * * *");

  /** How old a file without its row must be before it is deleted: long past any write still on its way. */
  static final Duration ORPHANED_FILE_AGE = Duration.ofHours(1);

  private Pool pool;
  private Redis redis;
  private ObjectStorage storage;
  private Scheduler scheduler;

  @Override
  public Future<?> start() {
    Map<String, String> schedules = schedules(config());
    pool = DatabasePool.create(vertx, PostgresConfig.from(config()));
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    JobRepository jobs = new JobRepository(pool);
    JobQueue queue = new JobQueue(jobs, redis);
    storage = ObjectStorage.create(vertx, S3Config.from(config()));
    OrphanedFiles orphans = new OrphanedFiles(pool, storage);
    List<ScheduledTask> tasks = List.of(
        new ScheduledTask("sweep-stalled-jobs", schedules.get("sweep-stalled-jobs"), () -> Future.all(
                Arrays.stream(JobKind.values())
                    .map(kind -> new JobSweeper(vertx, jobs, queue, kind, Duration.ofMinutes(1), Duration.ofMinutes(1)).sweep())
                    .toList())
            .map(all -> "published " + all.list().stream().mapToInt(n -> (Integer) n).sum() + " jobs")),
        new ScheduledTask("purge-idempotency-keys", schedules.get("purge-idempotency-keys"), () -> pool
            .query("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'").execute()
            .map(rows -> "deleted " + rows.rowCount() + " keys older than 24 h")),
        new ScheduledTask("purge-webhook-deliveries", schedules.get("purge-webhook-deliveries"), () -> pool
            .query("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < now() - interval '30 days'")
            .execute()
            .map(rows -> "deleted " + rows.rowCount() + " deliveries older than 30 days")),
        new ScheduledTask("delete-abandoned-uploads", schedules.get("delete-abandoned-uploads"), () -> orphans
            .deleteAbandonedUploads(ORPHANED_FILE_AGE)
            .map(n -> "deleted " + n + " uploaded files no asset names")),
        new ScheduledTask("purge-expired-artifacts", schedules.get("purge-expired-artifacts"), () -> orphans
            .purgeExpiredArtifacts(ORPHANED_FILE_AGE)
            .map(n -> "deleted " + n + " job output files no result names")));
    scheduler = new Scheduler(vertx, pool, JobWorker.uniqueWorkerName("scheduler"), tasks);
    return scheduler.start();
  }

  /** The default schedules with the configuration's {@code schedule} section over them; unknown names fail. */
  static Map<String, String> schedules(JsonObject config) {
    Map<String, String> schedules = new LinkedHashMap<>(DEFAULT_SCHEDULES);
    JsonObject section = config.getJsonObject("schedule", new JsonObject());
    for (String name : section.fieldNames()) {
      if (!DEFAULT_SCHEDULES.containsKey(name)) {
        throw new IllegalArgumentException("schedule." + name + " is not a task; the tasks are "
            + Set.copyOf(DEFAULT_SCHEDULES.keySet()));
      }
      schedules.put(name, section.getString(name));
    }
    return schedules;
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
