package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.QueuedJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the Redis fast path from PostgreSQL, the truth: publishes jobs whose retry time has come, jobs whose
 * entry was never added or may have been lost (Redis restarted empty), and running jobs whose worker's lease expired.
 * A duplicate entry is harmless: the job row decides what a delivery does.
 */
public final class JobSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(JobSweeper.class);
  private static final int BATCH = 200;

  private final Vertx vertx;
  private final JobRepository jobs;
  private final JobQueue queue;
  private final List<JobKind> kinds;
  private final String names;
  private final Duration interval;
  private final Duration republishAfter;
  private long timer = -1;
  private boolean sweeping;

  /** Sweeps the jobs of {@code kinds}, for instance the kinds of one queue. */
  public JobSweeper(Vertx vertx, JobRepository jobs, JobQueue queue, List<JobKind> kinds, Duration interval,
                    Duration republishAfter) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.queue = queue;
    this.kinds = List.copyOf(kinds);
    this.names = String.join(",", kinds.stream().map(JobKind::wireName).toList());
    this.interval = interval;
    this.republishAfter = republishAfter;
  }

  public void start() {
    timer = vertx.setPeriodic(interval.toMillis(), t -> sweep());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** One pass; publishes batch after batch until nothing is left. */
  public Future<Integer> sweep() {
    if (sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    return sweepBatches(0)
        .onFailure(e -> LOG.warn("sweeper kinds={} failed, next pass in {} ms: {}", names, interval.toMillis(), e.toString()))
        .eventually(() -> {
          sweeping = false;
          return Future.succeededFuture();
        });
  }

  private Future<Integer> sweepBatches(int publishedSoFar) {
    return jobs.takeUnpublished(kinds, republishAfter, BATCH).compose(due -> publish(due).compose(ignored -> {
      if (!due.isEmpty()) {
        LOG.info("sweeper kinds={} published {} jobs", names, due.size());
      }
      return due.size() == BATCH ? sweepBatches(publishedSoFar + due.size())
          : Future.succeededFuture(publishedSoFar + due.size());
    }));
  }

  private Future<Void> publish(List<QueuedJob> due) {
    return Future.all(due.stream().map(queue::publish).toList()).mapEmpty();
  }
}
