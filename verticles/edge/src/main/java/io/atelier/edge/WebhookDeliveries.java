package io.atelier.edge;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The webhook_deliveries table and the projects' signing secrets. */
public final class WebhookDeliveries {

  /** A delivery taken for sending, with the secret that signs it. */
  record Claimed(UUID id, String url, JsonObject payload, int attempt, String secret) {
  }

  private final Pool pool;

  public WebhookDeliveries(Pool pool) {
    this.pool = pool;
  }

  /**
   * Takes up to {@code limit} due deliveries and pushes their next attempt {@code hold} into the future, so a sender
   * that dies mid-way lets another edge retry them. SKIP LOCKED lets every edge dispatch without double sending.
   */
  Future<List<Claimed>> claimDue(int limit, Duration hold) {
    return pool.preparedQuery("""
            UPDATE webhook_deliveries d
            SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
            FROM projects p
            WHERE p.id = d.project_id
              AND d.id IN (SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= now()
                           ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING d.id, d.url, d.payload, d.attempts, p.webhook_secret""")
        .execute(Tuple.of(limit, (double) hold.toSeconds()))
        .map(rows -> {
          List<Claimed> claimed = new ArrayList<>();
          for (Row row : rows) {
            claimed.add(new Claimed(row.getUUID("id"), row.getString("url"), (JsonObject) row.getValue("payload"),
                row.getInteger("attempts"), row.getString("webhook_secret")));
          }
          return claimed;
        });
  }

  Future<Void> delivered(UUID id, int status) {
    return pool.preparedQuery("""
            UPDATE webhook_deliveries SET state = 'delivered', delivered_at = now(), last_status = $2, last_error = NULL
            WHERE id = $1""")
        .execute(Tuple.of(id, status))
        .mapEmpty();
  }

  /** Records a failed attempt: retried at {@code retryAt}, or given up when that is null. */
  Future<Void> attemptFailed(UUID id, Integer status, String error, OffsetDateTime retryAt) {
    return pool.preparedQuery("""
            UPDATE webhook_deliveries
            SET last_status = $2, last_error = $3,
                state = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = COALESCE($4::timestamptz, next_attempt_at)
            WHERE id = $1""")
        .execute(Tuple.of(id, status, error, retryAt))
        .mapEmpty();
  }

  Future<JsonArray> list(UUID projectId, UUID jobId) {
    return pool.preparedQuery("""
            SELECT * FROM webhook_deliveries
            WHERE project_id = $1 AND ($2::uuid IS NULL OR job_id = $2)
            ORDER BY created_at DESC, event_id DESC LIMIT 100""")
        .execute(Tuple.of(projectId, jobId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(new JsonObject()
                .put("id", row.getUUID("id").toString())
                .put("jobId", row.getUUID("job_id").toString())
                .put("type", row.getString("event_type"))
                .put("url", row.getString("url"))
                .put("state", row.getString("state"))
                .put("attempts", row.getInteger("attempts"))
                .put("lastStatus", row.getInteger("last_status"))
                .put("lastError", row.getString("last_error"))
                .put("createdAt", instant(row.getOffsetDateTime("created_at")))
                .put("deliveredAt", instant(row.getOffsetDateTime("delivered_at")))
                .put("payload", row.getValue("payload")));
          }
          return out;
        });
  }

  Future<String> secret(UUID projectId) {
    return pool.preparedQuery("SELECT webhook_secret FROM projects WHERE id = $1")
        .execute(Tuple.of(projectId))
        .map(rows -> rows.iterator().next().getString("webhook_secret"));
  }

  /** Deletes delivered and failed deliveries older than {@code age}; returns how many. */
  public Future<Integer> purgeFinished(Duration age) {
    return pool.preparedQuery("""
            DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < now() - make_interval(secs => $1)""")
        .execute(Tuple.of((double) age.toSeconds()))
        .map(rows -> rows.rowCount());
  }

  private static String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
