package io.atelier.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.contracts.ErrorCode;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30));

  @Test
  void delaysDoublePerAttemptWithinHalfToFullAndStopAtTheCap() {
    SplittableRandom random = new SplittableRandom(1);
    for (int attempt = 1; attempt <= 40; attempt++) {
      long full = Math.min(30_000, 1_000L << Math.min(attempt - 1, 30));
      for (int i = 0; i < 500; i++) {
        long delay = policy.delayAfter(attempt, random).toMillis();
        assertThat(delay).as("attempt %d", attempt).isBetween(full / 2, full);
      }
    }
  }

  @Test
  void jitterSpreadsJobsThatFailedTogether() {
    SplittableRandom random = new SplittableRandom(2);
    long distinct = java.util.stream.IntStream.range(0, 100)
        .mapToLong(i -> policy.delayAfter(3, random).toMillis()).distinct().count();
    assertThat(distinct).isGreaterThan(50);
  }

  @Test
  void verdictsOnTheInputAreFinalAndOutagesAreRetried() {
    assertThat(RetryPolicy.isRetryable(new JobFailedException(ErrorCode.CORRUPT_MEDIA, "x"))).isFalse();
    assertThat(RetryPolicy.isRetryable(new JobFailedException(ErrorCode.NOT_FOUND, "x"))).isFalse();
    assertThat(RetryPolicy.isRetryable(new JobFailedException(ErrorCode.INVALID_INPUT, "x"))).isFalse();
    assertThat(RetryPolicy.isRetryable(new JobFailedException(ErrorCode.UNAVAILABLE, "x"))).isTrue();
    assertThat(RetryPolicy.isRetryable(new IllegalStateException("unexpected"))).isTrue();
  }
}
