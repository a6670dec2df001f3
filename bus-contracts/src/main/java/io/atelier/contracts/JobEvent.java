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
    int version = json.getInteger("v", 0);
    if (version < SCHEMA_VERSION - 1 || version > SCHEMA_VERSION) {
      throw new IllegalArgumentException("unsupported job event schema version " + version);
    }
    return new JobEvent(
        UUID.fromString(json.getString("jobId")),
        UUID.fromString(json.getString("projectId")),
        JobKind.fromWireName(json.getString("kind"))
            .orElseThrow(() -> new IllegalArgumentException("unknown job kind " + json.getString("kind"))),
        JobState.fromWireName(json.getString("state")),
        json.getString("error"),
        json.getDouble("progress"),
        Instant.parse(json.getString("at")),
        json.getString("pipelineId") == null ? null : UUID.fromString(json.getString("pipelineId")));
  }
}
