package io.atelier.contracts;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Reading the fields of a bus message, failing with a message that names the field. */
final class Schema {

  private Schema() {
  }

  /** Accepts {@code current} and the version before it, so nodes one release apart understand each other. */
  static void check(JsonObject json, int current, String what) {
    Object version = json.getValue("v");
    if (!(version instanceof Integer v) || v < current - 1 || v > current) {
      throw new IllegalArgumentException("unsupported " + what + " schema version " + version);
    }
  }

  static String text(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof String value)) {
      throw new IllegalArgumentException("field " + field + " must be a string");
    }
    return value;
  }

  static UUID uuid(JsonObject json, String field) {
    try {
      return UUID.fromString(text(json, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field " + field + " must be a UUID");
    }
  }

  static int integer(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof Integer value)) {
      throw new IllegalArgumentException("field " + field + " must be a whole number");
    }
    return value;
  }
}
