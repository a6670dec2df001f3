package io.atelier.database;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The transcripts table, keyed by job so a job that runs twice keeps one transcript. */
public final class TranscriptRepository {

  private final Pool pool;

  public TranscriptRepository(Pool pool) {
    this.pool = pool;
  }

  /** Writes or replaces the job's transcript through {@code client}, so it can share the job's transaction. */
  public static Future<Void> upsert(SqlClient client, Transcript t) {
    return client.preparedQuery("""
            INSERT INTO transcripts (job_id, project_id, asset_id, engine, language, duration_seconds, text, words, files)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (job_id) DO UPDATE SET
              engine = EXCLUDED.engine, language = EXCLUDED.language, duration_seconds = EXCLUDED.duration_seconds,
              text = EXCLUDED.text, words = EXCLUDED.words, files = EXCLUDED.files, updated_at = now()""")
        .execute(Tuple.from(new Object[] {t.jobId(), t.projectId(), t.assetId(), t.engine(), t.language(),
            t.durationSeconds(), t.text(), t.words(), t.files()}))
        .mapEmpty();
  }

  public Future<Optional<Transcript>> find(UUID projectId, UUID jobId) {
    return pool.preparedQuery("SELECT * FROM transcripts WHERE project_id = $1 AND job_id = $2")
        .execute(Tuple.of(projectId, jobId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(fromRow(rows.iterator().next())));
  }

  public Future<Long> countForJob(UUID jobId) {
    return pool.preparedQuery("SELECT count(*) AS n FROM transcripts WHERE job_id = $1")
        .execute(Tuple.of(jobId))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  private static Transcript fromRow(Row row) {
    return new Transcript(row.getUUID("job_id"), row.getUUID("project_id"), row.getUUID("asset_id"),
        row.getString("engine"), row.getString("language"), row.getDouble("duration_seconds"),
        row.getString("text"), (io.vertx.core.json.JsonArray) row.getValue("words"),
        (io.vertx.core.json.JsonObject) row.getValue("files"));
  }

  /** Which of the ids have a row here (of any project): for the sweep of files no row names. */
  public Future<Set<UUID>> existing(List<UUID> ids) {
    return IdLookup.found(pool, "SELECT job_id FROM transcripts WHERE job_id = ANY($1::uuid[])", ids);
  }
}
