package io.atelier.jobs;

import io.atelier.contracts.ErrorCode;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When a failed job runs again: exponential backoff from {@code baseDelay}, doubled per attempt up to
 * {@code maxDelay}, with "equal jitter" (half the delay fixed, half random) so jobs that failed together do not come
 * back together. How many attempts a job gets is the job's own {@code maxAttempts}.
 */
public record RetryPolicy(Duration baseDelay, Duration maxDelay) {

  public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(2), Duration.ofMinutes(5));

  public RetryPolicy {
    if (baseDelay.isNegative() || baseDelay.isZero()) {
      throw new IllegalArgumentException("retry base delay must be positive, was " + baseDelay);
    }
    if (maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("retry max delay " + maxDelay + " is below the base delay " + baseDelay);
    }
  }

  /** The wait after failed attempt number {@code attempt} (1 for the first run). */
  public Duration delayAfter(int attempt, RandomGenerator random) {
    long base = baseDelay.toMillis();
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    long exponential = Math.min(maxDelay.toMillis(), base << doublings);
    long half = exponential / 2;
    return Duration.ofMillis(exponential - half + random.nextLong(half + 1));
  }

  /**
   * Whether running again can help. A verdict about the input (corrupt media, bad input, a missing asset) is final;
   * an unavailable dependency or an unexpected error may pass.
   */
  public static boolean isRetryable(Throwable failure) {
    if (failure instanceof JobFailedException failed) {
      return failed.code() == ErrorCode.UNAVAILABLE || failed.code() == ErrorCode.INTERNAL;
    }
    return true;
  }
}
