package io.atelier.contracts;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** Published on {@link BusAddresses#NODES}: every node sends its {@link NodeStatus} to {@code replyTo}. */
public record NodeStatusRequest(String replyTo) {

  public static final int SCHEMA_VERSION = 1;

  public NodeStatusRequest {
    Objects.requireNonNull(replyTo, "replyTo");
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", SCHEMA_VERSION).put("replyTo", replyTo);
  }

  public static NodeStatusRequest fromJson(JsonObject json) {
    Schema.check(json, SCHEMA_VERSION, "node status request");
    return new NodeStatusRequest(Schema.text(json, "replyTo"));
  }
}
