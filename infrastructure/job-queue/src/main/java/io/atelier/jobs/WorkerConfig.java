package io.atelier.jobs;

import java.time.Duration;

/**
 * How a worker consumes one kind's stream.
 *
 * @param concurrency jobs run at once by this worker
 * @param lease how long a job stays with a worker that stops renewing it before another worker may take it
 * @param pollBlock how long one read of the stream waits for an entry
 * @param retry when a failed job runs again
 * @param sweepInterval how often this node's sweeper looks for jobs to (re-)publish
 * @param republishAfter how long a queued job's entry may go unconsumed before it is published again
 */
public record WorkerConfig(int concurrency, Duration lease, Duration pollBlock, RetryPolicy retry,
                           Duration sweepInterval, Duration republishAfter) {

  /** How long a kind's worker waits on one read of its stream, unless told otherwise. */
  public static final Duration DEFAULT_POLL_BLOCK = Duration.ofSeconds(2);

  public WorkerConfig(int concurrency, Duration lease, Duration pollBlock) {
    this(concurrency, lease, pollBlock, RetryPolicy.DEFAULT, Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /** A kind's worker as its configuration section gives it: the concurrency and lease, defaults for the rest. */
  public static WorkerConfig of(int concurrency, Duration lease) {
    return new WorkerConfig(concurrency, lease, DEFAULT_POLL_BLOCK);
  }

  public WorkerConfig {
    if (concurrency < 1) {
      throw new IllegalArgumentException("worker concurrency must be at least 1, was " + concurrency);
    }
    if (lease.toMillis() < 1_000) {
      throw new IllegalArgumentException("worker lease must be at least 1 s, was " + lease);
    }
  }
}
