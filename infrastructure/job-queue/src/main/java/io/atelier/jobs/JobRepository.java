package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/** The jobs and job_attempts tables. Reads for the API are scoped by project. */
public final class JobRepository {

  private final Pool pool;

  public JobRepository(Pool pool) {
    this.pool = pool;
  }

  Future<Job> insert(UUID projectId, JobKind kind, UUID assetId, JsonObject params) {
    return pool.preparedQuery("""
            INSERT INTO jobs (id, project_id, kind, state, asset_id, params)
            VALUES ($1, $2, $3, 'queued', $4, $5)
            RETURNING *""")
        .execute(Tuple.of(UUID.randomUUID(), projectId, kind.wireName(), assetId, params))
        .map(rows -> Job.fromRow(rows.iterator().next()));
  }

  public Future<Optional<Job>> find(UUID projectId, UUID jobId) {
    return pool.preparedQuery("SELECT * FROM jobs WHERE project_id = $1 AND id = $2")
        .execute(Tuple.of(projectId, jobId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Job.fromRow(rows.iterator().next())));
  }

  /**
   * Moves a queued job, or one whose earlier run was abandoned, to running and records the attempt. Empty when the
   * job has already finished: the delivery is a duplicate.
   */
  Future<Optional<Job>> startAttempt(UUID jobId, String worker) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            UPDATE jobs SET state = 'running', attempts = attempts + 1, error = NULL,
                            started_at = now(), updated_at = now()
            WHERE id = $1 AND state IN ('queued', 'running')
            RETURNING *""")
        .execute(Tuple.of(jobId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<Job>empty());
          }
          Job job = Job.fromRow(rows.iterator().next());
          return tx.preparedQuery("""
                  UPDATE job_attempts SET outcome = 'abandoned', finished_at = now()
                  WHERE job_id = $1 AND outcome IS NULL""")
              .execute(Tuple.of(jobId))
              .compose(ignored -> tx.preparedQuery(
                      "INSERT INTO job_attempts (job_id, attempt, worker) VALUES ($1, $2, $3)")
                  .execute(Tuple.of(jobId, job.attempts(), worker)))
              .map(ignored -> Optional.of(job));
        }));
  }

  /** Marks the attempt and the job succeeded, through {@code tx} so the result commits with it. */
  static Future<Boolean> markSucceeded(SqlClient tx, UUID jobId, int attempt) {
    return tx.preparedQuery("""
            UPDATE jobs SET state = 'succeeded', finished_at = now(), updated_at = now()
            WHERE id = $1 AND state = 'running' AND attempts = $2""")
        .execute(Tuple.of(jobId, attempt))
        .compose(rows -> finishAttempt(tx, jobId, attempt, "succeeded", null).map(rows.rowCount() == 1));
  }

  Future<Boolean> markFailed(UUID jobId, int attempt, String error) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            UPDATE jobs SET state = 'failed', error = $3, finished_at = now(), updated_at = now()
            WHERE id = $1 AND state = 'running' AND attempts = $2""")
        .execute(Tuple.of(jobId, attempt, error))
        .compose(rows -> finishAttempt(tx, jobId, attempt, "failed", error).map(rows.rowCount() == 1)));
  }

  private static Future<Void> finishAttempt(SqlClient tx, UUID jobId, int attempt, String outcome, String error) {
    return tx.preparedQuery("""
            UPDATE job_attempts SET outcome = $3, error = $4, finished_at = now()
            WHERE job_id = $1 AND attempt = $2 AND outcome IS NULL""")
        .execute(Tuple.of(jobId, attempt, outcome, error))
        .mapEmpty();
  }

  Pool pool() {
    return pool;
  }
}
