package io.atelier.launcher;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the node's configuration: JSON files merged in order, then environment variables. Every key can be set by
 * an environment variable named {@code ATELIER_} + the key path in upper snake case, e.g. {@code postgres.poolSize}
 * is {@code ATELIER_POSTGRES_POOL_SIZE}. A value takes the type the key already has in the files (so an all-digit
 * password stays a string); a key the files do not name becomes a number or boolean when it reads as one, unless
 * its name says it holds text (passwords, keys, names, hosts, paths).
 */
final class MeshConfigLoader {

  private MeshConfigLoader() {
  }

  static JsonObject load(Iterable<Path> files, Map<String, String> environment) {
    JsonObject merged = new JsonObject();
    for (Path file : files) {
      try {
        merged.mergeIn(new JsonObject(Files.readString(file)), true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read configuration file " + file, e);
      } catch (io.vertx.core.json.DecodeException e) {
        throw new IllegalArgumentException("configuration file " + file + " is not valid JSON: " + e.getMessage(), e);
      }
    }
    applyEnvironment(merged, environment);
    return merged;
  }

  /** Overrides every key for which an environment variable exists, including keys the files do not mention. */
  static void applyEnvironment(JsonObject config, Map<String, String> environment) {
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      String name = variable.getKey();
      if (!name.startsWith("ATELIER_") || name.equals("ATELIER_API_KEY") || name.equals(NodeCommand.SUPERVISOR_PID)) {
        continue;
      }
      String[] parts = name.substring("ATELIER_".length()).toLowerCase(Locale.ROOT).split("_", 2);
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        continue;
      }
      JsonObject section = config.getJsonObject(parts[0]);
      if (section == null) {
        section = new JsonObject();
        config.put(parts[0], section);
      }
      String key = camelCase(parts[1]);
      section.put(key, typed(name, key, section.getValue(key), variable.getValue()));
    }
  }

  static String camelCase(String snake) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  private static final java.util.regex.Pattern TEXT_KEY = java.util.regex.Pattern.compile(
      "(?i).*(password|secret|key|token|user|name|host|uri|endpoint|path|directory|region|database|bucket|members)");

  private static Object typed(String variable, String key, Object existing, String value) {
    if (existing instanceof String || existing == null && TEXT_KEY.matcher(key).matches()) {
      return value;
    }
    if (existing instanceof Boolean || existing == null && (value.equals("true") || value.equals("false"))) {
      if (!value.equals("true") && !value.equals("false")) {
        throw new IllegalArgumentException(variable + " must be true or false, was '" + value + "'");
      }
      return Boolean.parseBoolean(value);
    }
    if (existing instanceof Number || existing == null && value.matches("-?\\d{1,18}")) {
      if (!value.matches("-?\\d{1,18}")) {
        throw new IllegalArgumentException(variable + " must be a whole number, was '" + value + "'");
      }
      long number = Long.parseLong(value);
      return number == (int) number ? (Object) (int) number : (Object) number;
    }
    return value;
  }
}
