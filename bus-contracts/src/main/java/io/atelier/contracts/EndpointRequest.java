package io.atelier.contracts;

import io.vertx.core.json.JsonObject;

/**
 * A request for a {@link ServiceEndpoint}, sent to {@link BusAddresses#COLLAB_ENDPOINTS} or
 * {@link BusAddresses#UPLOAD_ENDPOINTS}: it carries only its schema version.
 */
public record EndpointRequest() {

  public static final int SCHEMA_VERSION = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", SCHEMA_VERSION);
  }

  public static EndpointRequest fromJson(JsonObject json) {
    Schema.check(json, SCHEMA_VERSION, "endpoint request");
    return new EndpointRequest();
  }
}
