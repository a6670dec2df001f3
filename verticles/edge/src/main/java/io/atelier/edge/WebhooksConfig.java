package io.atelier.edge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code webhooks} section of the configuration.
 *
 * @param allowedNetworks blocks that webhooks may be sent to although they are inside a network (loopback, private,
 *     ...); empty by default. For development: a dev mesh and the tests deliver to receivers on 127.0.0.1.
 */
record WebhooksConfig(List<AddressBlock> allowedNetworks) {

  static final String EXAMPLE = "127.0.0.0/8";

  WebhooksConfig {
    allowedNetworks = List.copyOf(allowedNetworks);
  }

  /** Reads {@code webhooks.allowedNetworks}: a JSON array of CIDR blocks, or one comma-separated string (as a variable). */
  static WebhooksConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("webhooks", new JsonObject());
    Object raw = section.getValue("allowedNetworks");
    List<Object> entries = new ArrayList<>();
    if (raw instanceof JsonArray array) {
      array.forEach(entries::add);
    } else if (raw instanceof String text) {
      for (String entry : text.split(",")) {
        if (!entry.isBlank()) {
          entries.add(entry.trim());
        }
      }
    } else if (raw != null) {
      throw new IllegalArgumentException("webhooks.allowedNetworks must be a list of CIDR blocks such as " + EXAMPLE
          + " (a JSON array, or a comma-separated string), was " + raw);
    }
    List<AddressBlock> networks = new ArrayList<>();
    for (Object entry : entries) {
      networks.add(parse(entry));
    }
    return new WebhooksConfig(networks);
  }

  private static AddressBlock parse(Object entry) {
    String invalid = "webhooks.allowedNetworks entries must be CIDR blocks such as " + EXAMPLE + ", was '" + entry + "'";
    if (!(entry instanceof String text)) {
      throw new IllegalArgumentException(invalid);
    }
    try {
      return AddressBlock.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(invalid + ": " + e.getMessage(), e);
    }
  }
}
