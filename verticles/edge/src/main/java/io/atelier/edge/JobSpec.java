package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.render.InvalidParamException;
import io.atelier.contracts.render.RenderParams;
import io.atelier.contracts.transcription.TranscriptionSpec;
import io.vertx.core.json.JsonObject;

/**
 * One job as a request describes it: its {@code type}, {@code params} and {@code maxAttempts}. Read the same way for
 * {@code POST /v1/jobs} and for each step of a pipeline; a bad field is a {@code 400} naming it, with the step's
 * prefix ({@code steps[1].params.color}).
 */
record JobSpec(JobKind kind, JsonObject params, int maxAttempts) {

  /**
   * Reads a spec; {@code prefix} is what its fields' names start with in the request ("" for a job, "steps[1]."
   * for a pipeline's second step).
   */
  static JobSpec parse(JsonObject spec, String prefix) {
    Object type = spec.getValue("type");
    if (type == null) {
      throw Problem.invalidField(prefix + "type", prefix + "type is required (one of: " + JobKind.wireNames() + ")");
    }
    if (!(type instanceof String typeName)) {
      throw Problem.invalidField(prefix + "type", prefix + "type must be a string (one of: " + JobKind.wireNames()
          + ")");
    }
    JobKind kind = JobKind.fromWireName(typeName).orElseThrow(() -> Problem.invalidField(prefix + "type",
        "unknown job type '" + typeName + "' (one of: " + JobKind.wireNames() + ")"));
    Object params = spec.getValue("params");
    if (params != null && !(params instanceof JsonObject)) {
      throw Problem.invalidField(prefix + "params", prefix + "params must be an object");
    }
    JsonObject checked = params == null ? new JsonObject() : (JsonObject) params;
    checkParams(kind, checked, prefix + "params");
    Object maxAttempts = spec.getValue("maxAttempts");
    int attempts = kind.defaultMaxAttempts();
    if (maxAttempts != null) {
      if (!(maxAttempts instanceof Integer n) || n < 1 || n > JobKind.MAX_ATTEMPTS_LIMIT) {
        throw Problem.invalidField(prefix + "maxAttempts", prefix + "maxAttempts must be a whole number from 1 to "
            + JobKind.MAX_ATTEMPTS_LIMIT);
      }
      attempts = n;
    }
    return new JobSpec(kind, checked, attempts);
  }

  /**
   * The params of the kinds whose params have rules (transcription's and the render kinds') are checked now, so that a bad one is refused
   * naming it instead of failing the job later.
   */
  private static void checkParams(JobKind kind, JsonObject params, String field) {
    try {
      if (kind == JobKind.TRANSCRIPTION) {
        TranscriptionSpec.from(params);
      } else {
        RenderParams.check(kind, params);
      }
    } catch (InvalidParamException invalid) {
      throw Problem.invalidField(field + "." + invalid.field(), field + "." + invalid.field() + " " + invalid.rule());
    }
  }
}
