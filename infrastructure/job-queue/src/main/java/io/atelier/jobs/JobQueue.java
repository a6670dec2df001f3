package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.QueuedJob;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits jobs: the row is committed in PostgreSQL first (the job exists from then on), then an entry naming it is
 * added to the kind's Redis stream so a worker picks it up at once.
 */
public final class JobQueue {

  private static final Logger LOG = LoggerFactory.getLogger(JobQueue.class);

  private final JobRepository jobs;
  private final Redis redis;

  public JobQueue(JobRepository jobs, Redis redis) {
    this.jobs = jobs;
    this.redis = redis;
  }

  public Future<Job> submit(UUID projectId, JobKind kind, UUID assetId, JsonObject params) {
    return submit(projectId, kind, assetId, params, kind.defaultMaxAttempts());
  }

  public Future<Job> submit(UUID projectId, JobKind kind, UUID assetId, JsonObject params, int maxAttempts) {
    return jobs.insert(projectId, kind, assetId, params, maxAttempts)
        .compose(job -> publish(new QueuedJob(job.id(), projectId, kind))
            .map(job)
            // The job is committed: a lost stream entry delays it, it does not lose it (the sweeper re-publishes).
            .recover(e -> {
              LOG.warn("job={} kind={} committed but not published to Redis: {}", job.id(), kind.wireName(), e.getMessage());
              return Future.succeededFuture(job);
            }));
  }

  /**
   * Queues a failed or cancelled job again, with a fresh round of its kind's attempts. Empty when the job is not in
   * the project or is not failed or cancelled.
   */
  public Future<java.util.Optional<Job>> retry(UUID projectId, Job job) {
    return jobs.requeue(projectId, job.id(), job.kind().defaultMaxAttempts())
        .compose(requeued -> requeued.isEmpty() ? Future.succeededFuture(requeued)
            : publish(new QueuedJob(job.id(), projectId, job.kind())).map(requeued)
                .recover(e -> {
                  LOG.warn("job={} queued again but not published to Redis: {}", job.id(), e.getMessage());
                  return Future.succeededFuture(requeued);
                }));
  }

  Future<Void> publish(QueuedJob queued) {
    Request add = Request.cmd(Command.XADD).arg(queued.kind().streamKey()).arg("*");
    for (Map.Entry<String, String> field : queued.toStreamFields().entrySet()) {
      add.arg(field.getKey()).arg(field.getValue());
    }
    return redis.send(add).mapEmpty();
  }
}
