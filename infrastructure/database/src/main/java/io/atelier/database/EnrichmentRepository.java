package io.atelier.database;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/** The enrichments table: keywords, summary and chapters of a transcript, keyed by the enrichment job. */
public final class EnrichmentRepository {

  /** An enrichment job's result, made from the transcript of {@code transcriptJobId}. */
  public record StoredEnrichment(UUID jobId, UUID projectId, UUID transcriptJobId, JsonArray keywords, String summary,
                                 JsonArray chapters) {
    public JsonObject toApiJson() {
      return new JsonObject()
          .put("jobId", jobId.toString())
          .put("transcriptJobId", transcriptJobId.toString())
          .put("keywords", keywords)
          .put("summary", summary)
          .put("chapters", chapters);
    }
  }

  private final Pool pool;

  public EnrichmentRepository(Pool pool) {
    this.pool = pool;
  }

  /** Writes or replaces the job's enrichment through {@code client}, so it can share the job's transaction. */
  public static Future<Void> upsert(SqlClient client, StoredEnrichment e) {
    return client.preparedQuery("""
            INSERT INTO enrichments (job_id, project_id, transcript_job_id, keywords, summary, chapters)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (job_id) DO UPDATE SET transcript_job_id = EXCLUDED.transcript_job_id,
              keywords = EXCLUDED.keywords, summary = EXCLUDED.summary, chapters = EXCLUDED.chapters, updated_at = now()""")
        .execute(Tuple.from(new Object[] {e.jobId(), e.projectId(), e.transcriptJobId(), e.keywords(), e.summary(),
            e.chapters()}))
        .mapEmpty();
  }

  public Future<Optional<StoredEnrichment>> find(UUID projectId, UUID jobId) {
    return pool.preparedQuery("SELECT * FROM enrichments WHERE project_id = $1 AND job_id = $2")
        .execute(Tuple.of(projectId, jobId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()).map(row ->
            new StoredEnrichment(row.getUUID("job_id"), row.getUUID("project_id"), row.getUUID("transcript_job_id"),
                (JsonArray) row.getValue("keywords"), row.getString("summary"), (JsonArray) row.getValue("chapters"))));
  }

  public Future<Long> countForJob(UUID jobId) {
    return pool.preparedQuery("SELECT count(*) AS n FROM enrichments WHERE job_id = $1")
        .execute(Tuple.of(jobId))
        .map(rows -> rows.iterator().next().getLong("n"));
  }
}
