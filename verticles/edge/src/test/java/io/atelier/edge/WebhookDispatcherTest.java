package io.atelier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.edge.WebhookSender.Outcome;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WebhookDispatcherTest {

  private static final OffsetDateTime NOW = OffsetDateTime.of(2025, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC);

  @Test
  void aFailedAttemptIsRetriedWithBackoffUntilTheLastAttempt() {
    assertThat(WebhookDispatcher.retryAt(1, new Outcome.Unreachable("timeout"), NOW)).isEqualTo(NOW.plusSeconds(1));
    assertThat(WebhookDispatcher.retryAt(3, new Outcome.Answered(503), NOW)).isEqualTo(NOW.plusSeconds(4));
    assertThat(WebhookDispatcher.retryAt(WebhookDispatcher.MAX_ATTEMPTS, new Outcome.Answered(500), NOW)).isNull();
    assertThat(WebhookDispatcher.backoff(15)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aRefusedTargetFailsAtTheFirstAttempt() {
    assertThat(WebhookDispatcher.retryAt(1, new Outcome.Refused("webhook.url names 10.0.0.1, a private address"), NOW))
        .isNull();
  }
}
