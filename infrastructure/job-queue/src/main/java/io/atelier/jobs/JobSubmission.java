package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A request for a job. With an idempotency key, repeating it returns the job the first request made.
 *
 * @param webhookUrl where the job's state changes are delivered, or null
 * @param idempotencyKey the client's {@code Idempotency-Key}, or null
 */
public record JobSubmission(UUID projectId, JobKind kind, UUID assetId, JsonObject params, int maxAttempts,
                            String webhookUrl, String idempotencyKey) {

  public JobSubmission {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(assetId, "assetId");
    Objects.requireNonNull(params, "params");
  }

  /**
   * What makes two submissions "the same request": every field but the key, with objects' keys sorted so that key
   * order and whitespace in the client's JSON do not matter.
   */
  byte[] requestHash() {
    String canonical = new JsonObject()
        .put("kind", kind.wireName())
        .put("assetId", assetId.toString())
        .put("params", canonical(params))
        .put("maxAttempts", maxAttempts)
        .put("webhookUrl", webhookUrl)
        .encode();
    return sha256(canonical);
  }

  /** The SHA-256 of a request's canonical text: what an idempotency key is checked against. */
  static byte[] sha256(String canonical) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private static Object canonical(Object value) {
    if (value instanceof JsonObject object) {
      Map<String, Object> sorted = new TreeMap<>();
      object.forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
      return new JsonObject(new java.util.LinkedHashMap<>(sorted));
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(v -> out.add(canonical(v)));
      return out;
    }
    return value;
  }
}
