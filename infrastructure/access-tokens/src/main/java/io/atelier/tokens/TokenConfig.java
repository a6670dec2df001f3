package io.atelier.tokens;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tokens} section.
 *
 * @param signingKeys secrets for HMAC-SHA256, at least 32 bytes each: the first signs, every one verifies, so a key
 *     is rotated by putting the new one first and dropping the old one once its tokens have expired
 * @param defaultTtl how long a token lives when its requester does not say
 * @param maxTtl the longest life a requester may ask for
 */
public record TokenConfig(List<String> signingKeys, Duration defaultTtl, Duration maxTtl) {

  public static final int MIN_KEY_BYTES = 32;
  public static final int DEFAULT_TTL_SECONDS = 3600;
  public static final int MAX_TTL_SECONDS = 86_400;

  public TokenConfig {
    signingKeys = List.copyOf(signingKeys);
    if (signingKeys.isEmpty()) {
      throw new IllegalArgumentException("tokens.signingKeys must hold at least one key (" + MIN_KEY_BYTES
          + "+ bytes; e.g. the output of: openssl rand -base64 48)");
    }
    for (String key : signingKeys) {
      if (key.getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException("tokens.signingKeys: every key must be at least " + MIN_KEY_BYTES
            + " bytes long; one is " + key.getBytes(StandardCharsets.UTF_8).length);
      }
    }
    if (defaultTtl.isNegative() || defaultTtl.isZero() || defaultTtl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException("tokens.defaultTtlSeconds must be 1..tokens.maxTtlSeconds ("
          + maxTtl.toSeconds() + "), was " + defaultTtl.toSeconds());
    }
  }

  /** Reads {@code tokens.signingKeys} as a JSON array or as one comma-separated string (as an environment gives). */
  public static TokenConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("tokens", new JsonObject());
    Object keys = section.getValue("signingKeys");
    List<String> signingKeys = new ArrayList<>();
    if (keys instanceof JsonArray array) {
      array.forEach(key -> signingKeys.add(String.valueOf(key)));
    } else if (keys instanceof String list) {
      for (String key : list.split(",")) {
        if (!key.isBlank()) {
          signingKeys.add(key.trim());
        }
      }
    } else if (keys != null) {
      throw new IllegalArgumentException("tokens.signingKeys must be a list of keys, was " + keys);
    }
    return new TokenConfig(signingKeys, seconds(section, "defaultTtlSeconds", DEFAULT_TTL_SECONDS),
        seconds(section, "maxTtlSeconds", MAX_TTL_SECONDS));
  }

  private static Duration seconds(JsonObject section, String key, int fallback) {
    Object value = section.getValue(key, fallback);
    if (!(value instanceof Number n) || n.longValue() < 1) {
      throw new IllegalArgumentException("tokens." + key + " must be a whole number of seconds, at least 1, was "
          + value);
    }
    return Duration.ofSeconds(n.longValue());
  }
}
