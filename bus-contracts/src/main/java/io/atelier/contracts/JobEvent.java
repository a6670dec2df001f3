package io.atelier.contracts;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A job changed state or reported progress. Published on {@link BusAddresses#JOB_EVENTS}. The job's event log in
 * PostgreSQL is the full record; this message tells listeners that the log has grown.
 *
 * @param error why the job failed (or will be retried); null otherwise
 * @param progress for a progress report, how far the running job has come (0 to 1); null for a state change
 * @param pipelineId the pipeline the job is a step of, or null (an optional field: version 1 readers may ignore it)
 */
public record JobEvent(UUID jobId, UUID projectId, JobKind kind, JobState state, String error, Double progress,
                       Instant at, UUID pipelineId) {

  /** Bumped when a field changes meaning; readers accept this version and the one before. */
  public static final int SCHEMA_VERSION = 1;

  public JobEvent {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("v", SCHEMA_VERSION)
        .put("jobId", jobId.toString())
        .put("projectId", projectId.toString())
        .put("kind", kind.wireName())
        .put("state", state.wireName())
        .put("at", at.toString());
    if (error != null) {
      json.put("error", error);
    }
    if (progress != null) {
      json.put("progress", progress);
    }
    if (pipelineId != null) {
      json.put("pipelineId", pipelineId.toString());
    }
    return json;
  }

  public static JobEvent fromJson(JsonObject json) {
    Schema.check(json, SCHEMA_VERSION, "job event");
    String kind = Schema.text(json, "kind");
    if (json.getValue("progress") != null && !(json.getValue("progress") instanceof Number)) {
      throw new IllegalArgumentException("field progress must be a number");
    }
    Instant at;
    try {
      at = Instant.parse(Schema.text(json, "at"));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("field at must be an ISO-8601 instant");
    }
    return new JobEvent(
        Schema.uuid(json, "jobId"),
        Schema.uuid(json, "projectId"),
        JobKind.fromWireName(kind).orElseThrow(() -> new IllegalArgumentException("unknown job kind " + kind)),
        JobState.fromWireName(Schema.text(json, "state")),
        json.getValue("error") == null ? null : Schema.text(json, "error"),
        json.getDouble("progress"),
        at,
        json.getValue("pipelineId") == null ? null : Schema.uuid(json, "pipelineId"));
  }
}
