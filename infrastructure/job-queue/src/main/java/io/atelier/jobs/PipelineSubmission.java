package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A request for a pipeline: its steps run one after another on the same asset.
 *
 * @param webhookUrl where the pipeline's state changes are delivered, or null
 * @param idempotencyKey the client's {@code Idempotency-Key}, or null
 */
public record PipelineSubmission(UUID projectId, UUID assetId, List<Step> steps, String webhookUrl,
                                 String idempotencyKey) {

  /** The most steps one pipeline may have. */
  public static final int MAX_STEPS = 10;

  /** One step: a job of {@code kind} with its params and attempts. */
  public record Step(JobKind kind, JsonObject params, int maxAttempts) {
    public Step {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(params, "params");
    }

    JsonObject toJson() {
      return new JsonObject().put("kind", kind.wireName()).put("params", params).put("maxAttempts", maxAttempts);
    }
  }

  public PipelineSubmission {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(assetId, "assetId");
    steps = List.copyOf(steps);
    if (steps.isEmpty() || steps.size() > MAX_STEPS) {
      throw new IllegalArgumentException("a pipeline has 1 to " + MAX_STEPS + " steps");
    }
  }

  JsonArray stepsJson() {
    JsonArray array = new JsonArray();
    steps.forEach(step -> array.add(step.toJson()));
    return array;
  }

  /** What makes two submissions the same request: every field but the key, in canonical form. */
  byte[] requestHash() {
    JsonArray canonicalSteps = new JsonArray();
    for (Step step : steps) {
      // A job submission's canonical form per step, so params' key order does not count here either.
      canonicalSteps.add(new String(new JobSubmission(projectId, step.kind(), assetId, step.params(),
          step.maxAttempts(), null, null).requestHash(), StandardCharsets.ISO_8859_1));
    }
    String canonical = new JsonObject()
        .put("pipeline", canonicalSteps)
        .put("assetId", assetId.toString())
        .put("webhookUrl", webhookUrl)
        .encode();
    return JobSubmission.sha256(canonical);
  }
}
