package io.atelier.edge;

import io.atelier.edge.WebhookSender.Outcome;
import io.atelier.outbound.OutboundTargets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due webhook deliveries (each by {@link WebhookSender}) and records what came of them. A 2xx answer delivers;
 * any other answer, or none, is retried with exponential backoff (1 s doubling, at most 10 min apart) until
 * {@value #MAX_ATTEMPTS} attempts, then the delivery has failed. A target {@link OutboundTargets} refuses fails at
 * once: it would be refused again.
 */
final class WebhookDispatcher {

  static final int MAX_ATTEMPTS = 8;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final Duration HOLD = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final WebhookDeliveries deliveries;
  private final WebhookSender sender;
  private long timer = -1;
  private boolean dispatching;

  WebhookDispatcher(Vertx vertx, WebhookDeliveries deliveries, OutboundTargets targets) {
    this.vertx = vertx;
    this.deliveries = deliveries;
    this.sender = new WebhookSender(vertx, targets);
  }

  void start() {
    timer = vertx.setPeriodic(500, t -> dispatchDue());
  }

  void stop() {
    vertx.cancelTimer(timer);
    sender.close();
  }

  private void dispatchDue() {
    if (dispatching) {
      return;
    }
    dispatching = true;
    deliveries.claimDue(20, HOLD)
        .compose(claimed -> Future.join(claimed.stream()
            .map(delivery -> sender.send(delivery).compose(outcome -> record(delivery, outcome)))
            .toList()))
        .onFailure(e -> LOG.warn("webhook dispatch pass failed: {}", e.toString()))
        .onComplete(done -> dispatching = false);
  }

  private Future<Void> record(WebhookDeliveries.Claimed delivery, Outcome outcome) {
    if (outcome instanceof Outcome.Answered answered && answered.status() / 100 == 2) {
      return deliveries.delivered(delivery.id(), answered.status());
    }
    Integer status = outcome instanceof Outcome.Answered answered ? answered.status() : null;
    String error = outcome instanceof Outcome.Answered answered ? "HTTP " + answered.status()
        : outcome instanceof Outcome.Refused refused ? "refused: " + refused.reason()
        : ((Outcome.Unreachable) outcome).error();
    OffsetDateTime retryAt = retryAt(delivery.attempt(), outcome, OffsetDateTime.now(ZoneOffset.UTC));
    LOG.info("webhook delivery={} attempt={} to {} failed ({}); {}", delivery.id(), delivery.attempt(),
        delivery.url(), error, retryAt == null ? "giving up" : "retrying at " + retryAt);
    return deliveries.attemptFailed(delivery.id(), status, error, retryAt);
  }

  /** When a failed attempt is tried again, or null when the delivery has failed. */
  static OffsetDateTime retryAt(int attempt, Outcome outcome, OffsetDateTime now) {
    return outcome instanceof Outcome.Refused || attempt >= MAX_ATTEMPTS ? null : now.plus(backoff(attempt));
  }

  static Duration backoff(int attempt) {
    return Duration.ofMillis(Math.min(600_000L, 1_000L << Math.min(attempt - 1, 20)));
  }
}
