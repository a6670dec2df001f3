package io.atelier.redis;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code redis} section of the configuration.
 *
 * @param uri {@code redis://} or, for TLS, {@code rediss://}
 * @param trustedCertPath with {@code rediss://}, the PEM file of the certificates the server's is checked against
 *     (its CA, or the server's own); empty for the JVM's trusted authorities
 */
public record RedisConfig(String uri, int poolSize, String trustedCertPath) {

  public RedisConfig {
    if (uri == null || !(uri.startsWith("redis://") || uri.startsWith("rediss://"))) {
      throw new IllegalArgumentException("redis.uri must be a redis:// or rediss:// URI, was " + uri);
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("redis.poolSize must be at least 1, was " + poolSize);
    }
    trustedCertPath = trustedCertPath == null ? "" : trustedCertPath;
    if (!trustedCertPath.isEmpty() && !tls(uri)) {
      throw new IllegalArgumentException("redis.trustedCertPath is set but redis.uri is not a rediss:// URI");
    }
    if (!trustedCertPath.isEmpty() && !Files.isReadable(Path.of(trustedCertPath))) {
      throw new IllegalArgumentException("redis.trustedCertPath " + trustedCertPath + " is not a readable file");
    }
  }

  /** A Redis whose certificate, for a {@code rediss://} URI, the JVM's trusted authorities vouch for. */
  public RedisConfig(String uri, int poolSize) {
    this(uri, poolSize, "");
  }

  public static RedisConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("redis");
    if (section == null) {
      throw new IllegalArgumentException("configuration lacks the redis section");
    }
    return new RedisConfig(section.getString("uri"), section.getInteger("poolSize", 8),
        section.getString("trustedCertPath", ""));
  }

  /** Whether connections use TLS. */
  public boolean tls() {
    return tls(uri);
  }

  private static boolean tls(String uri) {
    return uri.startsWith("rediss://");
  }

  public JsonObject toJson() {
    return new JsonObject().put("uri", uri).put("poolSize", poolSize).put("trustedCertPath", trustedCertPath);
  }
}
