package io.atelier.edge;

import io.atelier.outbound.OutboundTargets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends one webhook delivery, signed as Standard Webhooks specifies: headers {@code webhook-id},
 * {@code webhook-timestamp} and {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">} with the
 * project's {@code whsec_} secret. The POST goes to the address {@link OutboundTargets} checked, with the URL's host in
 * the Host header and for TLS (SNI and certificate); redirects are never followed. It connects within 5 s, hears
 * from the receiver at least every 10 s, and is over within {@link #DEADLINE}, answer drained, or it is cut.
 */
final class WebhookSender {

  /** What came of one attempt. */
  sealed interface Outcome {

    /** The receiver answered, with any status. */
    record Answered(int status) implements Outcome {
    }

    /** No answer: the name did not resolve, the connection failed or timed out. */
    record Unreachable(String error) implements Outcome {
    }

    /** The target is inside the network; sending was not attempted. */
    record Refused(String reason) implements Outcome {
    }
  }

  /**
   * The longest one delivery takes once connected. A receiver that answers a byte at a time is never idle, yet a
   * dispatch pass waits for all its deliveries, and one that outlasts its claim (60 s) would be sent again.
   */
  static final Duration DEADLINE = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final OutboundTargets targets;
  private final HttpClientAgent client;
  private final long deadlineMillis;

  WebhookSender(Vertx vertx, OutboundTargets targets) {
    this(vertx, targets, new HttpClientOptions(), DEADLINE);
  }

  /** With the client's other options (such as the certificates it trusts) taken from {@code options}. */
  WebhookSender(Vertx vertx, OutboundTargets targets, HttpClientOptions options, Duration deadline) {
    this.vertx = vertx;
    this.targets = targets;
    this.deadlineMillis = deadline.toMillis();
    this.client = vertx.createHttpClient(new HttpClientOptions(options)
        .setConnectTimeout(5_000)
        .setIdleTimeout(30));
  }

  /** Resolves, checks and posts; never fails: a failure is an outcome. */
  Future<Outcome> send(WebhookDeliveries.Claimed delivery) {
    String body = delivery.payload().encode();
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    String id = delivery.id().toString();
    String signature = "v1," + sign(delivery.secret(), id + "." + timestamp + "." + body);
    return targets.resolve(vertx, delivery.url())
        .compose(target -> client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(target.address(), target.port())))
            .setHost(target.host())
            .setPort(target.port())
            .setSsl(target.tls())
            .setURI(target.requestUri())
            .setFollowRedirects(false)
            .setConnectTimeout(5_000)
            .setIdleTimeout(10_000)
            .putHeader("User-Agent", "Atelier-Webhooks/1")
            .putHeader("Content-Type", "application/json")
            .putHeader("webhook-id", id)
            .putHeader("webhook-timestamp", timestamp)
            .putHeader("webhook-signature", signature)))
        .compose(request -> {
          long cut = vertx.setTimer(deadlineMillis, t -> request.reset(0, new TimeoutException(
              "the receiver did not finish answering within " + deadlineMillis + " ms")));
          return request.send(Buffer.buffer(body))
              // The body is not read, only drained, so a large answer costs no memory.
              .compose(response -> response.end().map(ignored -> response.statusCode()))
              .onComplete(done -> vertx.cancelTimer(cut));
        })
        .<Outcome>map(Outcome.Answered::new)
        .recover(e -> Future.succeededFuture(e instanceof OutboundTargets.RefusedTarget refused
            ? new Outcome.Refused(refused.reason())
            : new Outcome.Unreachable(describe(e))));
  }

  /** The error, and its root cause when it has one: "Failed to create SSL connection" alone does not say why. */
  private static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == error ? error.toString() : error + " (" + root + ")";
  }

  Future<Void> close() {
    return client.close();
  }

  /** Base64 HMAC-SHA256 with a {@code whsec_<base64 key>} secret, per Standard Webhooks. */
  static String sign(String secret, String content) {
    try {
      byte[] key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JVM", e);
    }
  }
}
