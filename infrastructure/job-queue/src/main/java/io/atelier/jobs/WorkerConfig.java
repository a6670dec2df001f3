package io.atelier.jobs;

import java.time.Duration;

/**
 * How a worker consumes one kind's stream.
 *
 * @param concurrency jobs run at once by this worker
 * @param lease how long a job stays with a worker that stops renewing it before another worker may take it
 */
public record WorkerConfig(int concurrency, Duration lease, Duration pollBlock) {

  public WorkerConfig {
    if (concurrency < 1) {
      throw new IllegalArgumentException("worker concurrency must be at least 1, was " + concurrency);
    }
    if (lease.toMillis() < 1_000) {
      throw new IllegalArgumentException("worker lease must be at least 1 s, was " + lease);
    }
  }
}
