package io.atelier.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due webhook deliveries, signed as Standard Webhooks specifies: headers {@code webhook-id},
 * {@code webhook-timestamp} and {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">} with the
 * project's {@code whsec_} secret. A 2xx answer delivers; anything else is retried with exponential backoff
 * (1 s doubling, at most 10 min apart) until {@value #MAX_ATTEMPTS} attempts, then the delivery has failed.
 */
final class WebhookDispatcher {

  static final int MAX_ATTEMPTS = 8;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final Duration HOLD = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final WebhookDeliveries deliveries;
  private final WebClient client;
  private long timer = -1;
  private boolean dispatching;

  WebhookDispatcher(Vertx vertx, WebhookDeliveries deliveries) {
    this.vertx = vertx;
    this.deliveries = deliveries;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout(5_000)
        .setIdleTimeout(30)
        .setFollowRedirects(false)
        .setUserAgent("Atelier-Webhooks/1"));
  }

  void start() {
    timer = vertx.setPeriodic(500, t -> dispatchDue());
  }

  void stop() {
    vertx.cancelTimer(timer);
    client.close();
  }

  private void dispatchDue() {
    if (dispatching) {
      return;
    }
    dispatching = true;
    deliveries.claimDue(20, HOLD)
        .compose(claimed -> Future.join(claimed.stream().map(this::send).toList()))
        .onFailure(e -> LOG.warn("webhook dispatch pass failed: {}", e.toString()))
        .onComplete(done -> dispatching = false);
  }

  private Future<Void> send(WebhookDeliveries.Claimed delivery) {
    String body = delivery.payload().encode();
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    String id = delivery.id().toString();
    return client.postAbs(delivery.url())
        .timeout(10_000)
        .putHeader("Content-Type", "application/json")
        .putHeader("webhook-id", id)
        .putHeader("webhook-timestamp", timestamp)
        .putHeader("webhook-signature", "v1," + sign(delivery.secret(), id + "." + timestamp + "." + body))
        .sendBuffer(Buffer.buffer(body))
        .transform(result -> {
          if (result.succeeded() && result.result().statusCode() / 100 == 2) {
            return deliveries.delivered(delivery.id(), result.result().statusCode());
          }
          Integer status = result.succeeded() ? result.result().statusCode() : null;
          String error = result.succeeded() ? "HTTP " + status : result.cause().toString();
          OffsetDateTime retryAt = delivery.attempt() >= MAX_ATTEMPTS ? null
              : OffsetDateTime.now(ZoneOffset.UTC).plus(backoff(delivery.attempt()));
          LOG.info("webhook delivery={} attempt={} to {} failed ({}); {}", id, delivery.attempt(), delivery.url(), error,
              retryAt == null ? "giving up" : "retrying at " + retryAt);
          return deliveries.attemptFailed(delivery.id(), status, error, retryAt);
        });
  }

  static Duration backoff(int attempt) {
    return Duration.ofMillis(Math.min(600_000L, 1_000L << Math.min(attempt - 1, 20)));
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
