package io.atelier.embedded;

import java.nio.file.Path;

/**
 * Redis alone in a folder, speaking only TLS with a given certificate (no client certificate asked for): for the
 * tests of the clients' TLS settings.
 */
public final class TlsRedis implements AutoCloseable {

  private final EmbeddedRedis redis;

  private TlsRedis(EmbeddedRedis redis) {
    this.redis = redis;
  }

  public static TlsRedis start(Path folder, ServerCertificate certificate) {
    Path root = folder.toAbsolutePath();
    return new TlsRedis(EmbeddedRedis.startTls(EmbeddedRedis.locateBinary(), root.resolve("redis"),
        root.resolve("logs"), certificate.copyInto(root.resolve("tls"))));
  }

  /** {@code rediss://host:port}: {@code host} the name the certificate carries, or another to see it refused. */
  public String uri(String host) {
    return "rediss://" + host + ":" + redis.port();
  }

  @Override
  public void close() {
    redis.close();
  }
}
