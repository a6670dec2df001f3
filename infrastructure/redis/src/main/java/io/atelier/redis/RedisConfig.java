package io.atelier.redis;

import io.vertx.core.json.JsonObject;

/** The {@code redis} section of the configuration. */
public record RedisConfig(String uri, int poolSize) {

  public RedisConfig {
    if (uri == null || !(uri.startsWith("redis://") || uri.startsWith("rediss://"))) {
      throw new IllegalArgumentException("redis.uri must be a redis:// or rediss:// URI, was " + uri);
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("redis.poolSize must be at least 1, was " + poolSize);
    }
  }

  public static RedisConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("redis");
    if (section == null) {
      throw new IllegalArgumentException("configuration lacks the redis section");
    }
    return new RedisConfig(section.getString("uri"), section.getInteger("poolSize", 8));
  }

  public JsonObject toJson() {
    return new JsonObject().put("uri", uri).put("poolSize", poolSize);
  }
}
