package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.QueuedJob;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The pipelines table. Moving a pipeline on is PostgreSQL's work (the {@code advance_pipeline} trigger, in
 * {@code R__job_transitions.sql}): a step's job changing state updates the pipeline, and a step's success inserts the
 * next step's job, all in the transaction of the job's own transition.
 */
public final class PipelineRepository {

  private final Pool pool;

  public PipelineRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Inserts the pipeline and its first step's job, with their first events, in one statement; both remember
   * {@code requestId} (may be null), and so do the later steps' jobs.
   */
  static Future<Void> insert(SqlClient client, UUID pipelineId, UUID firstJobId, PipelineSubmission submission,
                             String requestId) {
    return client.preparedQuery("SELECT insert_pipeline($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.from(new Object[] {pipelineId, submission.projectId(), submission.assetId(),
            submission.stepsJson(), submission.webhookUrl(), firstJobId, requestId}))
        .mapEmpty();
  }

  public Future<Optional<Pipeline>> find(UUID projectId, UUID pipelineId) {
    return find(pool, projectId, pipelineId);
  }

  static Future<Optional<Pipeline>> find(SqlClient client, UUID projectId, UUID pipelineId) {
    return client.preparedQuery("SELECT * FROM pipelines WHERE project_id = $1 AND id = $2")
        .execute(Tuple.of(projectId, pipelineId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          Row pipeline = rows.iterator().next();
          return client.preparedQuery("SELECT * FROM jobs WHERE project_id = $1 AND pipeline_id = $2 ORDER BY pipeline_step")
              .execute(Tuple.of(projectId, pipelineId))
              .map(jobRows -> {
                List<Job> jobs = new ArrayList<>();
                jobRows.forEach(row -> jobs.add(Job.fromRow(row)));
                return Optional.of(Pipeline.fromRow(pipeline, jobs));
              });
        });
  }

  /** The asset's latest {@code limit} pipelines with their steps' jobs, newest first. */
  public Future<List<Pipeline>> ofAsset(UUID projectId, UUID assetId, int limit) {
    return pool.preparedQuery("""
            SELECT * FROM pipelines WHERE project_id = $1 AND asset_id = $2
            ORDER BY created_at DESC, id DESC LIMIT $3""")
        .execute(Tuple.of(projectId, assetId, limit))
        .compose(rows -> withJobs(projectId, rows));
  }

  /** The latest pipeline of each of the assets that has one, with its steps' jobs, keyed by asset. */
  public Future<Map<UUID, Pipeline>> latestOf(UUID projectId, List<UUID> assetIds) {
    if (assetIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("""
            SELECT DISTINCT ON (asset_id) * FROM pipelines WHERE project_id = $1 AND asset_id = ANY($2::uuid[])
            ORDER BY asset_id, created_at DESC, id DESC""")
        .execute(Tuple.tuple().addUUID(projectId).addArrayOfUUID(assetIds.toArray(UUID[]::new)))
        .compose(rows -> withJobs(projectId, rows))
        .map(found -> {
          Map<UUID, Pipeline> byAsset = new HashMap<>();
          found.forEach(pipeline -> byAsset.put(pipeline.assetId(), pipeline));
          return byAsset;
        });
  }

  /** The pipelines of {@code rows}, in their order, each with its steps' jobs (read in one query). */
  private Future<List<Pipeline>> withJobs(UUID projectId, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Future.succeededFuture(List.of());
    }
    List<Row> pipelineRows = new ArrayList<>();
    rows.forEach(pipelineRows::add);
    UUID[] ids = pipelineRows.stream().map(row -> row.getUUID("id")).toArray(UUID[]::new);
    return pool.preparedQuery("""
            SELECT * FROM jobs WHERE project_id = $1 AND pipeline_id = ANY($2::uuid[])
            ORDER BY pipeline_id, pipeline_step""")
        // Not Tuple.of(projectId, ids): an array passed as its varargs is spread, one parameter per id.
        .execute(Tuple.tuple().addUUID(projectId).addArrayOfUUID(ids))
        .map(jobRows -> {
          Map<UUID, List<Job>> jobs = new HashMap<>();
          jobRows.forEach(row -> jobs.computeIfAbsent(row.getUUID("pipeline_id"), id -> new ArrayList<>())
              .add(Job.fromRow(row)));
          return pipelineRows.stream()
              .map(row -> Pipeline.fromRow(row, jobs.getOrDefault(row.getUUID("id"), List.of())))
              .toList();
        });
  }

  /** The job of the latest succeeded {@code kind} step before step {@code beforeStep}: a later step's input. */
  public Future<Optional<UUID>> succeededStepBefore(UUID projectId, UUID pipelineId, JobKind kind, int beforeStep) {
    return pool.preparedQuery("""
            SELECT id FROM jobs
            WHERE project_id = $1 AND pipeline_id = $2 AND kind = $3 AND state = 'succeeded' AND pipeline_step < $4
            ORDER BY pipeline_step DESC LIMIT 1""")
        .execute(Tuple.of(projectId, pipelineId, kind.wireName(), beforeStep))
        .map(rows -> rows.size() == 0 ? Optional.<UUID>empty() : Optional.of(rows.iterator().next().getUUID("id")));
  }

  /**
   * The job whose result {@code job} works on (the transcript an enrichment reads): {@code named} when its params
   * name one; else, in a pipeline, the latest succeeded {@code kind} step before it; else the latest succeeded
   * {@code kind} job of its asset. Empty when there is none.
   */
  public Future<Optional<UUID>> inputJob(Job job, JobKind kind, UUID named) {
    if (named != null) {
      return Future.succeededFuture(Optional.of(named));
    }
    if (job.pipelineId() != null) {
      return succeededStepBefore(job.projectId(), job.pipelineId(), kind, job.pipelineStep());
    }
    return pool.preparedQuery("""
            SELECT id FROM jobs
            WHERE project_id = $1 AND asset_id = $2 AND kind = $3 AND state = 'succeeded'
            ORDER BY finished_at DESC LIMIT 1""")
        .execute(Tuple.of(job.projectId(), job.assetId(), kind.wireName()))
        .map(rows -> rows.size() == 0 ? Optional.<UUID>empty() : Optional.of(rows.iterator().next().getUUID("id")));
  }

  /** The pipeline a job is the first step of, for an idempotent replay. */
  Future<Optional<Pipeline>> findByFirstJob(UUID projectId, UUID jobId) {
    return pool.preparedQuery("SELECT pipeline_id FROM jobs WHERE project_id = $1 AND id = $2 AND pipeline_step = 0")
        .execute(Tuple.of(projectId, jobId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<Pipeline>empty())
            : find(projectId, rows.iterator().next().getUUID("pipeline_id")));
  }

  /**
   * Marks the pipeline's queued, due, never published jobs published and returns them: the step a finished step
   * has just queued, for its worker to add to the next kind's stream.
   */
  Future<List<Job>> takeUnpublished(UUID pipelineId) {
    return pool.preparedQuery("""
            UPDATE jobs SET published_at = now()
            WHERE pipeline_id = $1 AND state = 'queued' AND published_at IS NULL AND run_at <= now()
            RETURNING *""")
        .execute(Tuple.of(pipelineId))
        .map(rows -> {
          List<Job> due = new ArrayList<>();
          rows.forEach(row -> due.add(Job.fromRow(row)));
          return due;
        });
  }

  /** The events of the pipeline and of all its steps' jobs after {@code afterId}, oldest first, at most {@code limit}. */
  public Future<List<JsonObject>> eventsAfter(UUID projectId, UUID pipelineId, long afterId, int limit) {
    return pool.preparedQuery("""
            SELECT e.* FROM job_events e
            WHERE e.project_id = $1 AND e.id > $3
              AND e.job_id IN (SELECT id FROM jobs WHERE project_id = $1 AND pipeline_id = $2)
            ORDER BY e.id LIMIT $4""")
        .execute(Tuple.of(projectId, pipelineId, afterId, limit))
        .map(rows -> {
          List<JsonObject> events = new ArrayList<>();
          for (Row row : rows) {
            events.add(JobRepository.eventJson(row).put("pipelineId", pipelineId.toString()));
          }
          return events;
        });
  }
}
