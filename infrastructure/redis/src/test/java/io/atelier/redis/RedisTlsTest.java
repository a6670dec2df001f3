package io.atelier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.embedded.ServerCertificate;
import io.atelier.embedded.TlsRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} with {@code redis.trustedCertPath}, against a Redis that speaks only TLS (it has no plain port),
 * its certificate made for {@code localhost} when the test starts.
 */
@ExtendWith(VertxExtension.class)
class RedisTlsTest {

  static ServerCertificate serverCertificate;
  static ServerCertificate anotherCertificate;
  static TlsRedis redis;

  @BeforeAll
  static void startRedis(@TempDir Path folder) {
    serverCertificate = ServerCertificate.selfSigned(folder.resolve("server"), "localhost");
    anotherCertificate = ServerCertificate.selfSigned(folder.resolve("another"), "localhost");
    redis = TlsRedis.start(folder, serverCertificate);
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void aClientTrustingTheServersCertificateWritesAndReadsOverTls(Vertx vertx, VertxTestContext test) {
    Redis client = RedisConnections.create(vertx,
        new RedisConfig(redis.uri("localhost"), 2, serverCertificate.certificate().toString()));
    client.send(Request.cmd(Command.PING))
        .compose(pong -> client.send(Request.cmd(Command.SET).arg("tls-test").arg("over tls")).map(pong))
        .compose(pong -> client.send(Request.cmd(Command.GET).arg("tls-test")).map(value -> pong + " " + value))
        .eventually(client::close)
        .onComplete(test.succeeding(said -> test.verify(() -> {
          assertThat(said).isEqualTo("PONG over tls");
          test.completeNow();
        })));
  }

  @Test
  void aClientTrustingAnotherCertificateIsRefused(Vertx vertx, VertxTestContext test) {
    // Another key under the same name: its signature does not check out.
    refused(vertx, test, new RedisConfig(redis.uri("localhost"), 1, anotherCertificate.certificate().toString()),
        "Signature does not match");
  }

  @Test
  void aServerReachedUnderANameItsCertificateDoesNotCarryIsRefused(Vertx vertx, VertxTestContext test) {
    // The certificate names localhost, not the address: the host name is checked, not only the signature.
    refused(vertx, test, new RedisConfig(redis.uri("127.0.0.1"), 1, serverCertificate.certificate().toString()),
        "No subject alternative names present");
  }

  @Test
  void aTrustedCertificateForAPlainUriIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> new RedisConfig("redis://localhost:6379", 1, serverCertificate.certificate().toString()))
        .hasMessage("redis.trustedCertPath is set but redis.uri is not a rediss:// URI");
    assertThatThrownBy(() -> new RedisConfig("rediss://localhost:6379", 1, "/nonexistent.pem"))
        .hasMessage("redis.trustedCertPath /nonexistent.pem is not a readable file");
  }

  /** The client's first command fails in the TLS handshake, for the reason the JDK gives {@code because}. */
  private static void refused(Vertx vertx, VertxTestContext test, RedisConfig config, String because) {
    Redis client = RedisConnections.create(vertx, config);
    Future<Response> ping = client.send(Request.cmd(Command.PING));
    ping.eventually(client::close).onComplete(test.failing(e -> test.verify(() -> {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      System.out.println("refused: " + e + " (" + root + ")");
      assertThat(e).isInstanceOf(SSLHandshakeException.class);
      assertThat(root).hasMessageContaining(because);
      test.completeNow();
    })));
  }
}
