package io.atelier.contracts;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.UUID;

/**
 * An asset is stored, hashed and probed: published on {@link BusAddresses#ASSET_READY} once its row is committed.
 *
 * @param upload the resumable upload it came from, or null for a plain POST
 */
public record AssetReady(UUID project, UUID asset, UUID upload, String contentType, long sizeBytes) {

  public static final int SCHEMA_VERSION = 1;

  public AssetReady {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(contentType, "contentType");
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", SCHEMA_VERSION).put("project", project.toString()).put("asset", asset.toString())
        .put("upload", upload == null ? null : upload.toString()).put("contentType", contentType)
        .put("sizeBytes", sizeBytes);
  }

  public static AssetReady fromJson(JsonObject json) {
    Schema.check(json, SCHEMA_VERSION, "asset ready");
    return new AssetReady(Schema.uuid(json, "project"), Schema.uuid(json, "asset"),
        json.getValue("upload") == null ? null : Schema.uuid(json, "upload"), Schema.text(json, "contentType"),
        json.getLong("sizeBytes", 0L));
  }
}
