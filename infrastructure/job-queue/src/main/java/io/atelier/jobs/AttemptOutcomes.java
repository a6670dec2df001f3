package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.database.GroupCommit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides and commits how an attempt ended: succeeded (its result written in the same transaction), failed (queued
 * again after a backoff while a retry can help, failed for good otherwise), or cancelled when that was asked while it
 * ran. Only the job's current attempt may end it: a stale attempt's outcome is refused. Each committed outcome is
 * published, and a pipeline step's success adds the step it queued to that step's stream.
 */
final class AttemptOutcomes {

  private static final Logger LOG = LoggerFactory.getLogger(AttemptOutcomes.class);
  private static final RandomGenerator RANDOM = new SplittableRandom();

  private final JobEngine engine;
  private final String workerName;
  private final RetryPolicy retry;
  private final GroupCommit<JobRepository.Attempt, Boolean> successes;
  private final Map<JobKind, Map<String, Timer>> runTimers = new EnumMap<>(JobKind.class);

  AttemptOutcomes(JobEngine engine, String workerName, RetryPolicy retry, int batch) {
    this.engine = engine;
    this.workerName = workerName;
    this.retry = retry;
    // Plain successes arriving together commit together: one statement for many.
    this.successes = new GroupCommit<>(batch, 1, engine.jobs()::markAllSucceeded);
  }

  /** The attempt is no longer its job's current one: its result is refused. */
  private static final class StaleAttempt extends RuntimeException {
    StaleAttempt() {
      super("the attempt is no longer the job's current one", null, false, false);
    }
  }

  /**
   * Commits the outcome of {@code job}'s attempt, which ran for {@code ranNanos}; fails only when PostgreSQL could
   * not take it (the entry is then left to come back after the lease).
   */
  Future<Void> commit(Job job, AsyncResult<JobHandler.ResultWriter> result, boolean cancelRequested, long ranNanos) {
    if (cancelRequested) {
      // Asked to stop: whatever the handler made of it, the job ends cancelled and its result is dropped.
      return engine.jobs().markCancelled(job.id(), job.attempts())
          .onSuccess(marked -> {
            LOG.info("worker={} job={} attempt={} cancelled", workerName, job.id(), job.attempts());
            if (marked) {
              engine.events().changed(job, JobState.CANCELLED, null);
            }
          })
          .mapEmpty();
    }
    return result.succeeded() ? succeed(job, result.result(), ranNanos) : fail(job, result.cause(), ranNanos);
  }

  private Future<Void> succeed(Job job, JobHandler.ResultWriter writer, long ranNanos) {
    record(job.kind(), ranNanos, "succeeded");
    Future<Boolean> committed = writer == JobHandler.ResultWriter.NONE
        ? successes.submit(new JobRepository.Attempt(job.id(), job.attempts()))
        : engine.pool().withTransaction(tx -> JobRepository.markSucceeded(tx, job.id(), job.attempts())
                // A stale attempt must not write: results are keyed by job id, so its write would replace the
                // current attempt's. Failing the transaction rolls it back.
                .compose(marked -> marked ? writer.write(tx).map(true) : Future.failedFuture(new StaleAttempt())))
            .recover(e -> e instanceof StaleAttempt ? Future.succeededFuture(false) : Future.failedFuture(e));
    return committed.compose(marked -> {
      if (!marked) {
        LOG.warn("worker={} job={} attempt={} result refused: the attempt is no longer the job's current one",
            workerName, job.id(), job.attempts());
        return Future.succeededFuture();
      }
      LOG.info("worker={} job={} succeeded in {} ms", workerName, job.id(), ranNanos / 1_000_000);
      engine.events().changed(job, JobState.SUCCEEDED, null);
      return job.pipelineId() == null ? Future.succeededFuture() : publishNextStep(job);
    });
  }

  private Future<Void> fail(Job job, Throwable cause, long ranNanos) {
    String error = cause instanceof JobFailedException failed ? failed.describe() : "internal: " + cause;
    boolean retryable = RetryPolicy.isRetryable(cause);
    record(job.kind(), ranNanos, "failed");
    Counter.builder("atelier.jobs.failures")
        .description("Failed job attempts")
        .tag("kind", job.kind().wireName())
        .tag("retryable", Boolean.toString(retryable))
        .register(QueueMetrics.registry())
        .increment();
    OffsetDateTime retryAt = retryable && job.attempts() < job.maxAttempts()
        ? OffsetDateTime.now(ZoneOffset.UTC).plus(retry.delayAfter(job.attempts(), RANDOM))
        : null;
    return engine.jobs().markFailed(job.id(), job.attempts(), error, retryAt)
        .onSuccess(state -> state.ifPresent(s -> {
          if (s == JobState.QUEUED) {
            LOG.warn("worker={} job={} attempt={} failed, retrying at {}: {}", workerName, job.id(), job.attempts(),
                retryAt, error);
          } else {
            LOG.warn("worker={} job={} attempt={} failed for good: {}", workerName, job.id(), job.attempts(), error);
          }
          engine.events().changed(job, s, error);
        }))
        .mapEmpty();
  }

  /**
   * Adds the step this success queued (in the same transaction) to that step's stream. Should this fail or the node
   * die first, the next kind's sweeper publishes it.
   */
  private Future<Void> publishNextStep(Job job) {
    return engine.pipelines().takeUnpublished(job.pipelineId())
        .compose(next -> Future.all(next.stream().map(step -> {
          engine.events().changed(step, JobState.QUEUED, null);
          return engine.queue().publish(step);
        }).toList()))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("pipeline={} next step not published yet (the sweeper will): {}", job.pipelineId(), e.toString());
          return Future.succeededFuture();
        });
  }

  private void record(JobKind kind, long ranNanos, String outcome) {
    runTimers.computeIfAbsent(kind, k -> new HashMap<>()).computeIfAbsent(outcome, o -> Timer.builder("atelier.jobs.run")
            .description("Time a job attempt ran, by outcome")
            .tag("kind", kind.wireName())
            .tag("outcome", o)
            .publishPercentileHistogram()
            .register(QueueMetrics.registry()))
        .record(ranNanos, TimeUnit.NANOSECONDS);
  }
}
