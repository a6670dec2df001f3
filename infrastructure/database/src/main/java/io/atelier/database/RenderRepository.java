package io.atelier.database;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The renders table: the files a render job made, keyed by job so a job that runs twice keeps one set. */
public final class RenderRepository {

  /** A render job's files: {@code {"waveform.png": {"key", "contentType", "sizeBytes"}}}. */
  public record Render(UUID jobId, UUID projectId, UUID assetId, JsonObject files) {
    public JsonObject toApiJson() {
      JsonObject files = new JsonObject();
      this.files.forEach(e -> {
        JsonObject file = (JsonObject) e.getValue();
        files.put(e.getKey(), new JsonObject()
            .put("contentType", file.getString("contentType"))
            .put("sizeBytes", file.getLong("sizeBytes"))
            .put("url", "/v1/renders/" + jobId + "/" + e.getKey()));
      });
      return new JsonObject().put("jobId", jobId.toString()).put("assetId", assetId.toString()).put("files", files);
    }
  }

  private final Pool pool;

  public RenderRepository(Pool pool) {
    this.pool = pool;
  }

  /** Writes or replaces the job's render through {@code client}, so it can share the job's transaction. */
  public static Future<Void> upsert(SqlClient client, Render render) {
    return client.preparedQuery("""
            INSERT INTO renders (job_id, project_id, asset_id, files) VALUES ($1, $2, $3, $4)
            ON CONFLICT (job_id) DO UPDATE SET files = EXCLUDED.files, updated_at = now()""")
        .execute(Tuple.of(render.jobId(), render.projectId(), render.assetId(), render.files()))
        .mapEmpty();
  }

  public Future<Optional<Render>> find(UUID projectId, UUID jobId) {
    return pool.preparedQuery("SELECT * FROM renders WHERE project_id = $1 AND job_id = $2")
        .execute(Tuple.of(projectId, jobId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()).map(row -> new Render(
            row.getUUID("job_id"), row.getUUID("project_id"), row.getUUID("asset_id"),
            (JsonObject) row.getValue("files"))));
  }

  /** Which of the ids have a row here (of any project): for the sweep of files no row names. */
  public Future<Set<UUID>> existing(List<UUID> ids) {
    return IdLookup.found(pool, "SELECT job_id FROM renders WHERE job_id = ANY($1::uuid[])", ids);
  }
}
