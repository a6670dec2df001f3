package io.atelier.contracts;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Where a verticle that serves clients on a port of its own takes them: a collab verticle's reply to
 * {@link BusAddresses#COLLAB_ENDPOINTS}, an upload verticle's to {@link BusAddresses#UPLOAD_ENDPOINTS}.
 *
 * @param node the node it runs on
 * @param host the address other nodes reach it at
 * @param port its port
 */
public record ServiceEndpoint(String node, String host, int port) {

  public static final int SCHEMA_VERSION = 1;

  public ServiceEndpoint {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", SCHEMA_VERSION).put("node", node).put("host", host).put("port", port);
  }

  public static ServiceEndpoint fromJson(JsonObject json) {
    Schema.check(json, SCHEMA_VERSION, "service endpoint");
    return new ServiceEndpoint(Schema.text(json, "node"), Schema.text(json, "host"), Schema.integer(json, "port"));
  }
}
