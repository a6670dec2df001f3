package io.atelier.outbound;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration section's {@code allowedNetworks}: the blocks inside a network (loopback, private, ...) that its
 * user may call all the same, for development. Each user of {@link OutboundTargets} has its own, so opening one (a dev
 * mesh's webhook receivers on 127.0.0.1) opens nothing for another.
 */
public final class AllowedNetworks {

  public static final String EXAMPLE = "127.0.0.0/8";

  private AllowedNetworks() {
  }

  /**
   * Reads {@code <section>.allowedNetworks}: a JSON array of CIDR blocks, or one comma-separated string (as a
   * variable); none when it is absent.
   *
   * @throws IllegalArgumentException naming the key and what is wrong
   */
  public static List<AddressBlock> from(JsonObject config, String section) {
    String key = section + ".allowedNetworks";
    Object raw = config.getJsonObject(section, new JsonObject()).getValue("allowedNetworks");
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
      throw new IllegalArgumentException(key + " must be a list of CIDR blocks such as " + EXAMPLE
          + " (a JSON array, or a comma-separated string), was " + raw);
    }
    List<AddressBlock> networks = new ArrayList<>();
    for (Object entry : entries) {
      networks.add(parse(key, entry));
    }
    return List.copyOf(networks);
  }

  private static AddressBlock parse(String key, Object entry) {
    String invalid = key + " entries must be CIDR blocks such as " + EXAMPLE + ", was '" + entry + "'";
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
