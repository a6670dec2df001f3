package io.atelier.database;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A resumable upload (see the {@code uploads} table): the bytes received so far are its parts and then its tail, and
 * {@code offset} counts them.
 *
 * @param length the declared length, or null while the client defers it
 * @param metadata tus {@code Upload-Metadata} as received: key to base64 value (or null for a key without one)
 * @param sha256State SHA-256's running state over the bytes in parts (null before the first part)
 * @param assetId the asset it becomes, decided at creation (its object is the asset's original)
 * @param pipelineId the pipeline its metadata named, started once it became the asset
 */
public record Upload(UUID id, UUID projectId, String state, Long length, long offset, JsonObject metadata,
                     long partSize, String storageKey, String multipartId, int nextPart, byte[] sha256State,
                     String tailKey, long tailSize, UUID leaseToken, OffsetDateTime leaseUntil, UUID assetId,
                     UUID pipelineId, String error, OffsetDateTime expiresAt, OffsetDateTime createdAt) {

  public static final String RECEIVING = "receiving";
  public static final String COMPLETING = "completing";
  public static final String COMPLETE = "complete";
  public static final String FAILED = "failed";
  public static final String TERMINATED = "terminated";
  public static final String EXPIRED = "expired";

  /** The bytes in parts: what the running hash covers. */
  public long partsBytes() {
    return offset - tailSize;
  }

  /** What {@code GET /v1/uploads/{id}} shows: no storage details. */
  public JsonObject toApiJson() {
    JsonObject json = new JsonObject().put("id", id.toString()).put("state", state).put("offset", offset)
        .put("length", length).put("expiresAt", expiresAt.toInstant().toString())
        .put("createdAt", createdAt == null ? null : createdAt.toInstant().toString());
    if (COMPLETE.equals(state)) {
      json.put("assetId", assetId.toString());
    }
    if (pipelineId != null) {
      json.put("pipelineId", pipelineId.toString());
    }
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }
}
