package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of the jobs table.
 *
 * @param leaseOwner the worker running the job's current attempt (named as {@code BusAddresses.worker} takes it), or
 *     null when no attempt runs
 * @param requestId the id of the request that made the job (a pipeline's step: the pipeline's), or null
 */
public record Job(UUID id, UUID projectId, JobKind kind, JobState state, UUID assetId, JsonObject params,
                  int attempts, int maxAttempts, String error, OffsetDateTime runAt, boolean cancelRequested,
                  String leaseOwner, String webhookUrl, UUID pipelineId, Integer pipelineStep,
                  String requestId, OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime startedAt,
                  OffsetDateTime finishedAt) {

  static Job fromRow(Row row) {
    return new Job(row.getUUID("id"), row.getUUID("project_id"),
        JobKind.fromWireName(row.getString("kind")).orElseThrow(
            () -> new IllegalStateException("job " + row.getUUID("id") + " has unknown kind " + row.getString("kind"))),
        JobState.fromWireName(row.getString("state")), row.getUUID("asset_id"), (JsonObject) row.getValue("params"),
        row.getInteger("attempts"), row.getInteger("max_attempts"), row.getString("error"),
        row.getOffsetDateTime("run_at"), row.getBoolean("cancel_requested"), row.getString("lease_owner"),
        row.getString("webhook_url"),
        row.getUUID("pipeline_id"), row.getInteger("pipeline_step"), row.getString("request_id"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"), row.getOffsetDateTime("started_at"), row.getOffsetDateTime("finished_at"));
  }

  public JsonObject toApiJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("type", kind.wireName())
        .put("state", state.wireName())
        .put("assetId", assetId.toString())
        .put("params", params)
        .put("attempts", attempts)
        .put("maxAttempts", maxAttempts)
        .put("cancelRequested", cancelRequested)
        .put("webhook", webhookUrl == null ? null : new JsonObject().put("url", webhookUrl))
        .put("pipeline", pipelineId == null ? null
            : new JsonObject().put("id", pipelineId.toString()).put("step", pipelineStep))
        .put("error", error)
        .put("requestId", requestId)
        // For a queued job that failed before: when it runs again.
        .put("retryAt", state == JobState.QUEUED && attempts > 0 ? instant(runAt) : null)
        .put("createdAt", instant(createdAt))
        .put("updatedAt", instant(updatedAt))
        .put("startedAt", instant(startedAt))
        .put("finishedAt", instant(finishedAt));
  }

  private static String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
