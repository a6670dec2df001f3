package io.atelier.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** Builds the Redis client. RESP2 keeps stream replies in one shape whatever the server's version. */
public final class RedisConnections {

  private RedisConnections() {
  }

  public static Redis create(Vertx vertx, RedisConfig config) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(config.uri())
        .setMaxPoolSize(config.poolSize())
        .setMaxPoolWaiting(1_000)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2);
    if (config.tls()) {
      // The client's default checks the certificate but not whose it is: the host name is checked too.
      NetClientOptions tcp = options.getNetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
      if (!config.trustedCertPath().isEmpty()) {
        tcp.setTrustOptions(new PemTrustOptions().addCertPath(config.trustedCertPath()));
      }
    }
    return Redis.createClient(vertx, options);
  }
}
