package io.atelier.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** Builds the Redis client. RESP2 keeps stream replies in one shape whatever the server's version. */
public final class RedisConnections {

  private RedisConnections() {
  }

  public static Redis create(Vertx vertx, RedisConfig config) {
    return Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(config.uri())
        .setMaxPoolSize(config.poolSize())
        .setMaxPoolWaiting(1_000)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2));
  }
}
