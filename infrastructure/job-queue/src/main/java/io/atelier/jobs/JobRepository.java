package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.contracts.QueuedJob;
import io.atelier.database.IdLookup;
import io.atelier.database.PageCursor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The jobs table and its event log (job_events, from which the job_attempts view reads each attempt). PostgreSQL
 * decides who runs a job: a worker starts an attempt only on a due queued job or on a running job whose lease has
 * expired, and only the current attempt may finish the job.
 */
public final class JobRepository {

  private final Pool pool;

  public JobRepository(Pool pool) {
    this.pool = pool;
  }

  static Future<Job> insert(SqlClient client, NewJob job) {
    return insertAll(client, List.of(job)).map(inserted -> inserted.get(0));
  }

  /** A job to insert: its id, what was asked for, and the id of the request that asked (or null). */
  record NewJob(UUID id, JobSubmission submission, String requestId) {
  }

  /** Inserts the jobs with their first events in one statement; returns them in the order given. */
  static Future<List<Job>> insertAll(SqlClient client, List<NewJob> newJobs) {
    int n = newJobs.size();
    UUID[] ids = new UUID[n];
    UUID[] projects = new UUID[n];
    String[] kinds = new String[n];
    UUID[] assets = new UUID[n];
    String[] params = new String[n];
    Integer[] maxAttempts = new Integer[n];
    String[] webhooks = new String[n];
    String[] requestIds = new String[n];
    for (int i = 0; i < n; i++) {
      JobSubmission s = newJobs.get(i).submission();
      ids[i] = newJobs.get(i).id();
      projects[i] = s.projectId();
      kinds[i] = s.kind().wireName();
      assets[i] = s.assetId();
      params[i] = s.params().encode();
      maxAttempts[i] = s.maxAttempts();
      webhooks[i] = s.webhookUrl();
      requestIds[i] = newJobs.get(i).requestId();
    }
    // One statement writes the rows and their first events (insert_jobs): atomic without a transaction.
    return client.preparedQuery("SELECT * FROM insert_jobs($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true)")
        .execute(Tuple.from(new Object[] {ids, projects, kinds, assets, params, maxAttempts, webhooks, new UUID[n],
            new Integer[n], requestIds}))
        .map(rows -> {
          java.util.Map<UUID, Job> byId = new java.util.HashMap<>();
          rows.forEach(row -> byId.put(row.getUUID("id"), Job.fromRow(row)));
          List<Job> inOrder = new ArrayList<>(n);
          for (UUID id : ids) {
            inOrder.add(java.util.Objects.requireNonNull(byId.get(id), "job row not returned"));
          }
          return inOrder;
        });
  }

  /** The job a stored idempotency key names, and the hash of the request that first used it. */
  record KeyedJob(UUID jobId, byte[] requestHash) {
  }

  /**
   * Claims the key for a new job inside {@code tx}; empty when the key was already claimed (a concurrent claim waits
   * for the first to commit, then sees it here).
   */
  static Future<Optional<KeyedJob>> claimKey(SqlClient tx, UUID projectId, String key, byte[] hash, UUID jobId) {
    return tx.preparedQuery("""
            INSERT INTO idempotency_keys (project_id, key, request_hash, job_id) VALUES ($1, $2, $3, $4)
            ON CONFLICT (project_id, key) DO NOTHING
            RETURNING job_id""")
        .execute(Tuple.of(projectId, key, io.vertx.core.buffer.Buffer.buffer(hash), jobId))
        .compose(inserted -> inserted.size() == 1
            ? Future.succeededFuture(Optional.<KeyedJob>empty())
            : tx.preparedQuery("SELECT request_hash, job_id FROM idempotency_keys WHERE project_id = $1 AND key = $2")
                .execute(Tuple.of(projectId, key))
                .map(rows -> {
                  Row row = rows.iterator().next();
                  return Optional.of(new KeyedJob(row.getUUID("job_id"), row.getBuffer("request_hash").getBytes()));
                }));
  }

  public Future<Optional<Job>> find(UUID projectId, UUID jobId) {
    return pool.preparedQuery("SELECT * FROM jobs WHERE project_id = $1 AND id = $2")
        .execute(Tuple.of(projectId, jobId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Job.fromRow(rows.iterator().next())));
  }

  /** Which of a project's jobs a listing shows: each field null for any. */
  public record Filter(JobKind kind, JobState state, UUID assetId) {
  }

  /** A page of jobs, newest first, and where the next one starts (null after the last). */
  public record Page(List<Job> jobs, PageCursor next) {
  }

  /** Up to {@code limit} of the project's jobs that {@code filter} lets through, newest first, after {@code after}. */
  public Future<Page> list(UUID projectId, Filter filter, PageCursor after, int limit) {
    return pool.preparedQuery("""
            SELECT * FROM jobs
            WHERE project_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR state = $3)
              AND ($4::uuid IS NULL OR asset_id = $4)
              AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6))
            ORDER BY created_at DESC, id DESC LIMIT $7""")
        .execute(Tuple.of(projectId, filter.kind() == null ? null : filter.kind().wireName(),
            filter.state() == null ? null : filter.state().wireName(), filter.assetId(),
            after == null ? null : after.createdAt(), after == null ? null : after.id(), limit + 1))
        .map(rows -> {
          List<Job> jobs = new ArrayList<>(rows.size());
          rows.forEach(row -> jobs.add(Job.fromRow(row)));
          if (jobs.size() <= limit) {
            return new Page(jobs, null);
          }
          Job last = jobs.get(limit - 1);
          return new Page(jobs.subList(0, limit), new PageCursor(last.createdAt(), last.id()));
        });
  }

  /** The job's attempts, oldest first: who ran it, when, and how each run ended. */
  public Future<JsonArray> history(UUID jobId) {
    return pool.preparedQuery("SELECT * FROM job_attempts WHERE job_id = $1 ORDER BY attempt")
        .execute(Tuple.of(jobId))
        .map(rows -> {
          JsonArray history = new JsonArray();
          for (Row row : rows) {
            history.add(new JsonObject()
                .put("attempt", row.getInteger("attempt"))
                .put("worker", row.getString("worker"))
                .put("startedAt", instant(row.getOffsetDateTime("started_at")))
                .put("finishedAt", instant(row.getOffsetDateTime("finished_at")))
                .put("outcome", row.getString("outcome"))
                .put("error", row.getString("error")));
          }
          return history;
        });
  }

  /**
   * Starts an attempt on a due queued job, or takes over a running job whose lease expired (its worker is gone).
   * Empty when the job is finished, not yet due, or leased by a live worker: the delivery is then a duplicate.
   */
  Future<Optional<Job>> startAttempt(UUID jobId, String worker, Duration lease) {
    return startAttempts(List.of(jobId), worker, lease)
        .map(started -> started.isEmpty() ? Optional.<Job>empty() : Optional.of(started.get(0)));
  }

  /** {@link #startAttempt} for several jobs in one statement; returns the ones started, in no particular order. */
  Future<List<Job>> startAttempts(List<UUID> jobIds, String worker, Duration lease) {
    // One statement (start_job_attempts): the rows and their events, which start the attempts and end any taken
    // over.
    return pool.preparedQuery("SELECT * FROM start_job_attempts($1, $2, $3)")
        .execute(Tuple.from(new Object[] {jobIds.stream().sorted().toArray(UUID[]::new), worker,
            lease.toMillis() / 1000.0}))
        .map(rows -> {
          List<Job> started = new ArrayList<>(rows.size());
          rows.forEach(row -> started.add(Job.fromRow(row)));
          return started;
        });
  }

  /** A job's attempt: the job id and the attempt number. */
  record Attempt(UUID jobId, int attempt) {
  }

  /**
   * The attempts sorted by job id. Every batch statement joins its array to jobs in array order and so locks the
   * rows in that order: two batches sharing jobs (a lease renewal and a finish) then never wait on each other in a
   * circle.
   */
  private static List<Attempt> inLockOrder(List<Attempt> attempts) {
    return attempts.stream().sorted(java.util.Comparator.comparing(Attempt::jobId)).toList();
  }

  /**
   * Extends the leases of the worker's current attempts in one statement. Returns, for each attempt still held,
   * whether its job's cancellation was requested; an attempt missing from the answer has lost its job to another
   * worker (or the job has ended).
   */
  Future<java.util.Map<UUID, Boolean>> renewLeases(List<Attempt> attempts, Duration lease) {
    List<Attempt> inLockOrder = inLockOrder(attempts);
    UUID[] ids = inLockOrder.stream().map(Attempt::jobId).toArray(UUID[]::new);
    Integer[] numbers = inLockOrder.stream().map(Attempt::attempt).toArray(Integer[]::new);
    return pool.preparedQuery("SELECT job_id AS id, cancel_requested FROM renew_job_leases($1, $2, $3)")
        .execute(Tuple.from(new Object[] {ids, numbers, lease.toMillis() / 1000.0}))
        .map(rows -> {
          java.util.Map<UUID, Boolean> held = new java.util.HashMap<>();
          rows.forEach(row -> held.put(row.getUUID("id"), row.getBoolean("cancel_requested")));
          return held;
        });
  }

  /**
   * Marks attempts and their jobs succeeded and logs the events, in one statement: the finish of jobs whose result
   * is nothing but their success. Returns, in order, whether each attempt was still its job's current one.
   */
  Future<List<Boolean>> markAllSucceeded(List<Attempt> attempts) {
    List<Attempt> inLockOrder = inLockOrder(attempts);
    UUID[] ids = inLockOrder.stream().map(Attempt::jobId).toArray(UUID[]::new);
    Integer[] numbers = inLockOrder.stream().map(Attempt::attempt).toArray(Integer[]::new);
    return pool.preparedQuery("SELECT succeed_job_attempts AS id FROM succeed_job_attempts($1, $2)")
        .execute(Tuple.from(new Object[] {ids, numbers}))
        .map(rows -> {
          java.util.Set<UUID> marked = new java.util.HashSet<>();
          rows.forEach(row -> marked.add(row.getUUID("id")));
          return attempts.stream().map(a -> marked.contains(a.jobId())).toList();
        });
  }

  /**
   * Marks the attempt and the job succeeded and logs the event, through {@code client}: a transaction when a result
   * commits with it, the pool otherwise. False when the attempt was no longer its job's current one.
   */
  static Future<Boolean> markSucceeded(SqlClient client, UUID jobId, int attempt) {
    return client.preparedQuery("SELECT count(*) AS n FROM succeed_job_attempts(ARRAY[$1::uuid], ARRAY[$2::integer])")
        .execute(Tuple.of(jobId, attempt))
        .map(rows -> rows.iterator().next().getLong("n") == 1);
  }

  /**
   * Ends a failed attempt. With {@code retryAt} and attempts left, the job is queued again for then; otherwise it
   * has failed for good. Returns the job's new state, or empty when the attempt was no longer the job's current one.
   */
  Future<Optional<JobState>> markFailed(UUID jobId, int attempt, String error, OffsetDateTime retryAt) {
    return pool.preparedQuery("SELECT fail_job_attempt($1, $2, $3, $4) AS state")
        .execute(Tuple.of(jobId, attempt, error, retryAt))
        .map(rows -> Optional.ofNullable(rows.iterator().next().getString("state")).map(JobState::fromWireName));
  }

  /** Ends the attempt of a job whose cancellation was requested while it ran. */
  Future<Boolean> markCancelled(UUID jobId, int attempt) {
    return pool.preparedQuery("SELECT cancel_job_attempt($1, $2) AS cancelled")
        .execute(Tuple.of(jobId, attempt))
        .map(rows -> rows.iterator().next().getBoolean("cancelled"));
  }

  /**
   * Gives attempts back to the queue, lease released at once (a stopping worker's unfinished jobs): their jobs are
   * queued again for any worker to start now. Returns the jobs handed back; an attempt no longer current is left.
   */
  Future<List<Job>> handBack(List<Attempt> attempts) {
    List<Attempt> inLockOrder = inLockOrder(attempts);
    return pool.preparedQuery("SELECT * FROM hand_back_job_attempts($1, $2)")
        .execute(Tuple.from(new Object[] {inLockOrder.stream().map(Attempt::jobId).toArray(UUID[]::new),
            inLockOrder.stream().map(Attempt::attempt).toArray(Integer[]::new)}))
        .map(rows -> {
          List<Job> handed = new ArrayList<>(rows.size());
          rows.forEach(row -> handed.add(Job.fromRow(row)));
          return handed;
        });
  }

  /**
   * Cancels a job: a queued one at once; a running one is flagged, which its worker reads at its next lease renewal
   * (and {@link JobQueue#cancel} tells it at once). Empty when the job does not exist in the project or has already
   * finished.
   */
  Future<Optional<Job>> requestCancel(UUID projectId, UUID jobId) {
    return pool.preparedQuery("SELECT * FROM request_job_cancel($1, $2)")
        .execute(Tuple.of(projectId, jobId))
        .map(JobRepository::first);
  }

  /**
   * Queues a failed or cancelled job again with {@code extraAttempts} more attempts. Empty when the job does not
   * exist in the project or is neither failed nor cancelled.
   */
  Future<Optional<Job>> requeue(UUID projectId, UUID jobId, int extraAttempts) {
    return pool.preparedQuery("SELECT * FROM requeue_job($1, $2, $3)")
        .execute(Tuple.of(projectId, jobId, extraAttempts))
        .map(JobRepository::first);
  }

  private static Optional<Job> first(io.vertx.sqlclient.RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Job.fromRow(rows.iterator().next()));
  }

  /**
   * Marks up to {@code limit} jobs as published and returns them, for the sweeper to add to their streams: due
   * queued jobs never published or published longer ago than {@code republishAfter} (their entry may be lost), and
   * running jobs whose lease expired (their worker is gone) and that were not published since. SKIP LOCKED lets sweepers on several nodes share it.
   */
  Future<List<QueuedJob>> takeUnpublished(List<JobKind> kinds, Duration republishAfter, int limit) {
    return pool.preparedQuery("""
            UPDATE jobs SET published_at = now()
            WHERE id IN (
              SELECT id FROM jobs
              WHERE kind = ANY($1) AND finished_at IS NULL
                AND ((state = 'queued' AND run_at <= now()
                      AND (published_at IS NULL OR published_at < now() - make_interval(secs => $2)))
                  OR (state = 'running' AND lease_expires_at < now()
                      AND (published_at IS NULL OR published_at < lease_expires_at
                           OR published_at < now() - make_interval(secs => $2))))
              ORDER BY run_at
              LIMIT $3
              FOR UPDATE SKIP LOCKED)
            RETURNING id, project_id, kind""")
        .execute(Tuple.of(kinds.stream().map(JobKind::wireName).toArray(String[]::new),
            republishAfter.toMillis() / 1000.0, limit))
        .map(rows -> {
          List<QueuedJob> due = new ArrayList<>();
          for (Row row : rows) {
            JobKind.fromWireName(row.getString("kind")).ifPresent(kind ->
                due.add(new QueuedJob(row.getUUID("id"), row.getUUID("project_id"), kind)));
          }
          return due;
        });
  }

  /**
   * Logs a progress report of the job's current attempt; false when that attempt is no longer running.
   *
   * <p>It locks the job's row, as every transition does, so one job's events take their ids in the order they
   * commit: an event stream that has read up to an id never has an earlier one commit behind it.
   */
  Future<Boolean> logProgress(UUID jobId, int attempt, double progress, String step) {
    return pool.preparedQuery("""
            INSERT INTO job_events (project_id, job_id, type, state, attempt, progress, step)
            SELECT project_id, id, 'progress', state, attempts, $3, $4 FROM jobs
            WHERE id = $1 AND state = 'running' AND attempts = $2
            FOR UPDATE""")
        .execute(Tuple.of(jobId, attempt, progress, step))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The job's events after {@code afterId}, oldest first, at most {@code limit}. */
  public Future<List<JsonObject>> eventsAfter(UUID projectId, UUID jobId, long afterId, int limit) {
    return pool.preparedQuery("""
            SELECT * FROM job_events WHERE project_id = $1 AND job_id = $2 AND id > $3 ORDER BY id LIMIT $4""")
        .execute(Tuple.of(projectId, jobId, afterId, limit))
        .map(rows -> {
          List<JsonObject> events = new ArrayList<>();
          for (Row row : rows) {
            events.add(eventJson(row));
          }
          return events;
        });
  }

  /** A job_events row as the API shows it. */
  static JsonObject eventJson(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("jobId", row.getUUID("job_id").toString())
        .put("type", row.getString("type"))
        .put("state", row.getString("state"))
        .put("attempt", row.getInteger("attempt"))
        .put("error", row.getString("error"))
        .put("progress", row.getDouble("progress"))
        .put("step", row.getString("step"))
        .put("at", instant(row.getOffsetDateTime("created_at")));
  }

  private static String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }

  /** Which of the jobs are still queued or running (their next attempt may still write files): for the file sweep. */
  public Future<Set<UUID>> unfinished(List<UUID> ids) {
    return IdLookup.found(pool, "SELECT id FROM jobs WHERE id = ANY($1::uuid[]) AND finished_at IS NULL", ids);
  }

  /** Deletes idempotency keys older than {@code age}: a repeat after that is a new request. Returns how many. */
  public Future<Integer> purgeIdempotencyKeys(Duration age) {
    return pool.preparedQuery("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) age.toSeconds()))
        .map(rows -> rows.rowCount());
  }

  Pool pool() {
    return pool;
  }
}
