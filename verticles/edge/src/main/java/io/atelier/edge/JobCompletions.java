package io.atelier.edge;

import io.atelier.contracts.BusMessages;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobEvent;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jobs to reach a final state, for requests that answer with a job's result. The job's row is the truth: a
 * job event on the bus (from whichever node ran the job) says when to read it, and a poll every
 * {@value #SAFETY_POLL_MILLIS} ms covers an event the bus lost. Callbacks run on the edge's event loop.
 */
final class JobCompletions {

  static final long SAFETY_POLL_MILLIS = 2_000;

  private final Vertx vertx;
  private final JobRepository jobs;
  private final Map<UUID, Set<Waiter>> waiters = new HashMap<>();
  private MessageConsumer<JsonObject> consumer;

  JobCompletions(Vertx vertx, JobRepository jobs) {
    this.vertx = vertx;
    this.jobs = jobs;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(BusAddresses.JOB_EVENTS, message -> {
      // JobEventStreams, beside it on every edge, logs a refused event; the safety poll still reads the row.
      JobEvent event = BusMessages.decodeQuietly(message, JobEvent::fromJson).orElse(null);
      if (event == null || !event.state().isTerminal()) {
        return;
      }
      Set<Waiter> waiting = waiters.get(event.jobId());
      if (waiting != null) {
        Set.copyOf(waiting).forEach(Waiter::check);
      }
    });
    return consumer.completion();
  }

  Future<Void> stop() {
    waiters.values().stream().flatMap(Set::stream).toList()
        .forEach(w -> w.finish(null, new IllegalStateException("the edge is stopping")));
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The job once it is final; fails with a {@link TimeoutException} if it is not after {@code timeout}. */
  Future<Job> awaitFinal(UUID projectId, UUID jobId, Duration timeout) {
    Waiter waiter = new Waiter(projectId, jobId);
    waiters.computeIfAbsent(jobId, id -> new HashSet<>()).add(waiter);
    waiter.poll = vertx.setPeriodic(SAFETY_POLL_MILLIS, t -> waiter.check());
    waiter.timeout = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> waiter.finish(null,
        new TimeoutException("job " + jobId + " did not finish within " + timeout.toSeconds() + " s")));
    waiter.check();
    return waiter.promise.future();
  }

  private final class Waiter {
    final UUID projectId;
    final UUID jobId;
    final Promise<Job> promise = Promise.promise();
    long poll;
    long timeout;

    Waiter(UUID projectId, UUID jobId) {
      this.projectId = projectId;
      this.jobId = jobId;
    }

    void check() {
      jobs.find(projectId, jobId).onComplete(found -> {
        if (found.failed()) {
          return; // the next poll tries again, until the timeout
        }
        if (found.result().isEmpty()) {
          finish(null, new IllegalStateException("job " + jobId + " no longer exists"));
        } else if (found.result().get().state().isTerminal()) {
          finish(found.result().get(), null);
        }
      });
    }

    void finish(Job job, Throwable failure) {
      if (promise.future().isComplete()) {
        return;
      }
      vertx.cancelTimer(poll);
      vertx.cancelTimer(timeout);
      Set<Waiter> waiting = waiters.get(jobId);
      if (waiting != null) {
        waiting.remove(this);
        if (waiting.isEmpty()) {
          waiters.remove(jobId);
        }
      }
      if (failure == null) {
        promise.complete(job);
      } else {
        promise.fail(failure);
      }
    }
  }
}
