package io.atelier.contracts;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.UUID;

/**
 * Asks the worker that holds a job's lease to stop the job's attempt now, sent to {@link BusAddresses#worker} after
 * the job's cancellation is committed. The reply is {@link #reply(boolean)}; a worker that does not run that attempt
 * fails the request with {@link ErrorCode#NOT_FOUND}. PostgreSQL's flag stays the truth: a request lost or refused
 * delays the stop until the worker's next lease renewal, which reads the flag.
 */
public record CancelJob(UUID jobId, int attempt) {

  public static final int SCHEMA_VERSION = 1;

  public CancelJob {
    Objects.requireNonNull(jobId, "jobId");
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", SCHEMA_VERSION).put("jobId", jobId.toString()).put("attempt", attempt);
  }

  /** Reads a request; throws {@link IllegalArgumentException} naming what is wrong. */
  public static CancelJob fromJson(JsonObject json) {
    Schema.check(json, SCHEMA_VERSION, "cancel request");
    return new CancelJob(Schema.uuid(json, "jobId"), Schema.integer(json, "attempt"));
  }

  /** The worker's answer: whether the attempt was told to stop. */
  public static JsonObject reply(boolean stopping) {
    return new JsonObject().put("v", SCHEMA_VERSION).put("stopping", stopping);
  }
}
