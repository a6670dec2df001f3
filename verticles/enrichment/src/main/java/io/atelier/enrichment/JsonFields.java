package io.atelier.enrichment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reads the fields of a stored enrichment, naming the one that is missing or of the wrong type. */
final class JsonFields {

  private JsonFields() {
  }

  static String string(JsonObject json, String owner, String key) {
    return required(json, owner, key, String.class, "a string");
  }

  static double number(JsonObject json, String owner, String key) {
    return required(json, owner, key, Number.class, "a number").doubleValue();
  }

  static int integer(JsonObject json, String owner, String key) {
    Number value = required(json, owner, key, Number.class, "a number");
    if (value.doubleValue() != value.intValue()) {
      throw new IllegalArgumentException(owner + "." + key + " is not a whole number");
    }
    return value.intValue();
  }

  static JsonArray array(JsonObject json, String owner, String key) {
    return required(json, owner, key, JsonArray.class, "an array");
  }

  static JsonObject object(JsonArray array, String owner, int index) {
    Object value = array.getValue(index);
    if (!(value instanceof JsonObject json)) {
      throw new IllegalArgumentException(owner + "[" + index + "] is not an object");
    }
    return json;
  }

  private static <T> T required(JsonObject json, String owner, String key, Class<T> type, String kind) {
    Object value = json.getValue(key);
    if (value == null) {
      throw new IllegalArgumentException(owner + "." + key + " is missing");
    }
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(owner + "." + key + " is not " + kind);
    }
    return type.cast(value);
  }
}
