package io.atelier.contracts.render;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** How a render param is read: absent means its default, anything else is checked and refused naming the field. */
final class ParamRules {

  private ParamRules() {
  }

  /** Refuses a param the kind does not have (a misspelt one would otherwise be silently ignored). */
  static void onlyKnown(JsonObject params, String kind, List<String> known) {
    for (String name : params.fieldNames()) {
      if (!known.contains(name)) {
        throw new InvalidParamException(name, "is not a param of " + kind + " (its params: "
            + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
      }
    }
  }

  static int integer(JsonObject params, String field, int fallback, int min, int max) {
    Object value = params.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer n) || n < min || n > max) {
      throw new InvalidParamException(field, "must be a whole number from " + min + " to " + max);
    }
    return n;
  }

  /** A number of seconds from {@code min} to {@code max}, or null when absent. */
  static Double seconds(JsonObject params, String field, double min, double max) {
    Object value = params.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < min
        || n.doubleValue() > max) {
      throw new InvalidParamException(field, "must be a number of seconds from " + min + " to " + max);
    }
    return n.doubleValue();
  }

  static boolean bool(JsonObject params, String field, boolean fallback) {
    Object value = params.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw new InvalidParamException(field, "must be true or false");
    }
    return b;
  }

  static String color(JsonObject params, String field, String fallback) {
    Object value = params.getValue(field, fallback);
    if (!(value instanceof String text) || !text.matches("#[0-9a-fA-F]{6}")) {
      throw new InvalidParamException(field, "must be a colour as #rrggbb");
    }
    return text.toLowerCase(Locale.ROOT);
  }

  /** One of {@code choices}, named by {@code name} in the params. */
  static <T extends Enum<T>> T choice(JsonObject params, String field, T fallback, T[] choices,
                                      Function<T, String> name) {
    Object value = params.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String text) {
      for (T choice : choices) {
        if (name.apply(choice).equals(text)) {
          return choice;
        }
      }
    }
    throw new InvalidParamException(field, "must be one of " + String.join(", ",
        Arrays.stream(choices).map(name).toList()));
  }
}
