package io.atelier.database;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A stored media file. {@code storageKey} names its object in S3. */
public record Asset(UUID id, UUID projectId, String filename, String contentType, long sizeBytes, String sha256,
                    String storageKey, OffsetDateTime createdAt) {

  /** The public form: no storage details. */
  public JsonObject toApiJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("filename", filename)
        .put("contentType", contentType)
        .put("sizeBytes", sizeBytes)
        .put("sha256", sha256)
        .put("createdAt", createdAt == null ? null : createdAt.toInstant().toString());
  }
}
