package io.atelier.database;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A stored media file. {@code storageKey} names its object in S3; {@code media} is what ffprobe read of it (null for
 * assets stored before it was read).
 */
public record Asset(UUID id, UUID projectId, String filename, String contentType, long sizeBytes, String sha256,
                    String storageKey, JsonObject media, OffsetDateTime createdAt) {

  /** The public form: no storage details. */
  public JsonObject toApiJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("filename", filename)
        .put("contentType", contentType)
        .put("sizeBytes", sizeBytes)
        .put("sha256", sha256)
        .put("media", media)
        .put("createdAt", createdAt == null ? null : createdAt.toInstant().toString());
  }

  /** A client's file name as the mesh keeps it: its last path segment, without control characters, at most 255. */
  public static String cleanFilename(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String base = name.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "");
    return base.isEmpty() ? null : base.length() > 255 ? base.substring(0, 255) : base;
  }
}
