package io.atelier.jobs;

import io.atelier.contracts.JobState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A row of the pipelines table with the jobs its steps have made so far (a step not reached yet has none).
 *
 * @param steps the steps as submitted: {@code [{"kind", "params", "maxAttempts"}, ...]}
 * @param currentStep the index of the step running, or of the one that failed or was cancelled
 * @param requestId the id of the request that made the pipeline, or null
 */
public record Pipeline(UUID id, UUID projectId, UUID assetId, JsonArray steps, JobState state, int currentStep,
                       String error, String webhookUrl, String requestId, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                       OffsetDateTime finishedAt, List<Job> jobs) {

  static Pipeline fromRow(Row row, List<Job> jobs) {
    return new Pipeline(row.getUUID("id"), row.getUUID("project_id"), row.getUUID("asset_id"),
        (JsonArray) row.getValue("steps"), JobState.fromWireName(row.getString("state")),
        row.getInteger("current_step"), row.getString("error"), row.getString("webhook_url"),
        row.getString("request_id"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"), row.getOffsetDateTime("finished_at"),
        List.copyOf(jobs));
  }

  /** The job of the current step. */
  public Job currentJob() {
    return jobs.stream().filter(j -> j.pipelineStep() == currentStep).findFirst()
        .orElseThrow(() -> new IllegalStateException("pipeline " + id + " has no job for step " + currentStep));
  }

  public JsonObject toApiJson() {
    JsonArray stepsJson = new JsonArray();
    for (int i = 0; i < steps.size(); i++) {
      JsonObject step = steps.getJsonObject(i);
      int index = i;
      Job job = jobs.stream().filter(j -> j.pipelineStep() == index).findFirst().orElse(null);
      stepsJson.add(new JsonObject()
          .put("index", i)
          .put("type", step.getString("kind"))
          .put("params", step.getJsonObject("params"))
          .put("maxAttempts", step.getInteger("maxAttempts"))
          // A step not reached yet has no job: it is pending.
          .put("state", job == null ? "pending" : job.state().wireName())
          .put("jobId", job == null ? null : job.id().toString())
          .put("attempts", job == null ? 0 : job.attempts())
          .put("error", job == null ? null : job.error()));
    }
    return new JsonObject()
        .put("id", id.toString())
        .put("state", state.wireName())
        .put("assetId", assetId.toString())
        .put("currentStep", currentStep)
        .put("steps", stepsJson)
        .put("error", error)
        .put("webhook", webhookUrl == null ? null : new JsonObject().put("url", webhookUrl))
        .put("requestId", requestId)
        .put("createdAt", instant(createdAt))
        .put("updatedAt", instant(updatedAt))
        .put("finishedAt", instant(finishedAt));
  }

  private static String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
