package io.atelier.jobs;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobEvent;
import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.contracts.QueuedJob;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls one kind's jobs from its Redis stream through the kind's consumer group and runs them.
 *
 * <p>Leases: the job row holds its lease (owner and expiry), which the worker renews every third of the lease while
 * it runs; so does the stream entry, which stays pending in the group until acknowledged and which the worker
 * re-claims to reset its idle time. A worker that dies stops both: once the entry has been idle for a whole lease
 * another worker takes it over (XAUTOCLAIM), and PostgreSQL lets it start a new attempt only if the row's lease
 * has expired. A duplicate delivery of a finished, not yet due, or live-leased job is only acknowledged.
 *
 * <p>Failures: a retryable failure with attempts left queues the job again after a backoff (the sweeper publishes
 * it when due); anything else fails the job for good. Every attempt is recorded in job_attempts.
 *
 * <p>An entry is acknowledged once the job's outcome is committed; if PostgreSQL cannot be reached the entry stays
 * pending and comes back after the lease.
 */
public final class JobWorker {

  private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);
  private static final java.util.random.RandomGenerator RANDOM = new java.util.SplittableRandom();

  private final Vertx vertx;
  private final Redis redis;
  private final JobRepository jobs;
  private final JobKind kind;
  private final String workerName;
  private final WorkerConfig config;
  private final JobHandler handler;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final List<Future<Void>> slots = new ArrayList<>();
  private final Map<Integer, RedisConnection> readConnections = new HashMap<>();
  private final JobSweeper sweeper;
  private final long[] lastClaimCheck;

  public JobWorker(Vertx vertx, Redis redis, JobRepository jobs, JobKind kind, String workerName,
                   WorkerConfig config, JobHandler handler) {
    this.vertx = vertx;
    this.redis = redis;
    this.jobs = jobs;
    this.kind = kind;
    this.workerName = workerName;
    this.config = config;
    this.handler = handler;
    this.lastClaimCheck = new long[config.concurrency()];
    java.util.Arrays.fill(lastClaimCheck, System.nanoTime() - config.lease().toNanos());
    this.sweeper = new JobSweeper(vertx, jobs, new JobQueue(jobs, redis), kind, config.sweepInterval(),
        config.republishAfter());
  }

  public Future<Void> start() {
    return ensureGroup().onSuccess(ignored -> {
      for (int slot = 0; slot < config.concurrency(); slot++) {
        Promise<Void> done = Promise.promise();
        slots.add(done.future());
        loop(slot, done);
      }
      sweeper.start();
      LOG.info("worker={} kind={} consuming {} with {} slots", workerName, kind.wireName(), kind.streamKey(),
          config.concurrency());
    });
  }

  /** Stops taking jobs, lets running ones finish, then returns. */
  public Future<Void> stop() {
    stopping.set(true);
    sweeper.stop();
    readConnections.values().forEach(RedisConnection::close);
    return Future.join(slots).mapEmpty();
  }

  private Future<Void> ensureGroup() {
    // "0": entries added before the group existed are still delivered.
    return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(kind.streamKey()).arg(kind.consumerGroup())
            .arg("0").arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private void loop(int slot, Promise<Void> done) {
    if (stopping.get()) {
      done.complete();
      return;
    }
    String consumer = workerName + "-" + slot;
    // Expired entries are looked for once per slot every half lease (and while some keep turning up), not before
    // every read: a round trip per job saved.
    long now = System.nanoTime();
    boolean claimDue = now - lastClaimCheck[slot] >= config.lease().toNanos() / 2;
    Future<Optional<StreamEntry>> expired = claimDue ? claimExpired(consumer) : Future.succeededFuture(Optional.empty());
    expired
        .onSuccess(claimed -> {
          if (claimDue && claimed.isEmpty()) {
            lastClaimCheck[slot] = now;
          }
        })
        .compose(claimed -> claimed.isPresent() ? Future.succeededFuture(claimed) : readNew(slot, consumer))
        .compose(entry -> entry.map(e -> process(consumer, e)).orElse(Future.succeededFuture()))
        .onComplete(result -> {
          if (result.failed() && !stopping.get() && String.valueOf(result.cause().getMessage()).startsWith("NOGROUP")) {
            // Redis lost the stream and its group (restarted empty, flushed): make them again; the sweeper
            // re-publishes the jobs PostgreSQL still has queued.
            LOG.warn("worker={} slot={} consumer group is gone; creating it again", workerName, slot);
            ensureGroup().onComplete(ignored -> vertx.setTimer(100, t -> loop(slot, done)));
          } else if (result.failed() && !stopping.get()) {
            LOG.warn("worker={} slot={} queue error, retrying in 1 s: {}", workerName, slot, result.cause().toString());
            dropReadConnection(slot);
            vertx.setTimer(1_000, t -> loop(slot, done));
          } else {
            loop(slot, done);
          }
        });
  }

  private Future<Optional<StreamEntry>> claimExpired(String consumer) {
    return redis.send(Request.cmd(Command.XAUTOCLAIM).arg(kind.streamKey()).arg(kind.consumerGroup()).arg(consumer)
            .arg(config.lease().toMillis()).arg("0-0").arg("COUNT").arg(1))
        .map(response -> firstEntry(response.get(1)))
        .onSuccess(entry -> entry.ifPresent(e ->
            LOG.info("worker={} took over entry={} whose lease expired", consumer, e.id())));
  }

  private Future<Optional<StreamEntry>> readNew(int slot, String consumer) {
    return readConnection(slot)
        .compose(connection -> connection.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(kind.consumerGroup())
            .arg(consumer).arg("COUNT").arg(1).arg("BLOCK").arg(config.pollBlock().toMillis())
            .arg("STREAMS").arg(kind.streamKey()).arg(">")))
        .map(response -> response == null || response.type() != ResponseType.MULTI || response.size() == 0
            ? Optional.<StreamEntry>empty()
            : firstEntry(response.get(0).get(1)));
  }

  private Future<RedisConnection> readConnection(int slot) {
    RedisConnection existing = readConnections.get(slot);
    if (existing != null) {
      return Future.succeededFuture(existing);
    }
    // XREADGROUP BLOCK holds its connection, so each slot reads on a connection of its own.
    return redis.connect().onSuccess(connection -> {
      readConnections.put(slot, connection);
      connection.exceptionHandler(e -> dropReadConnection(slot));
    });
  }

  private void dropReadConnection(int slot) {
    RedisConnection connection = readConnections.remove(slot);
    if (connection != null) {
      connection.close();
    }
  }

  private Future<Void> process(String consumer, StreamEntry entry) {
    QueuedJob queued;
    try {
      queued = QueuedJob.fromStreamFields(entry.fields());
    } catch (IllegalArgumentException malformed) {
      LOG.error("worker={} entry={} is malformed and is dropped: {}", consumer, entry.id(), malformed.getMessage());
      return acknowledge(entry);
    }
    long heartbeat = vertx.setPeriodic(Math.max(250, config.lease().toMillis() / 3), t -> renewStreamLease(consumer, entry));
    return jobs.startAttempt(queued.jobId(), consumer, config.lease())
        .compose(started -> started.map(job -> run(consumer, job)).orElseGet(() -> {
          LOG.debug("worker={} job={} is finished, not due or leased elsewhere; delivery acknowledged", consumer,
              queued.jobId());
          return Future.succeededFuture();
        }))
        .eventually(() -> {
          vertx.cancelTimer(heartbeat);
          return Future.succeededFuture();
        })
        .compose(ignored -> acknowledge(entry));
  }

  private Future<Void> run(String consumer, Job job) {
    LOG.debug("worker={} job={} kind={} attempt={} started", consumer, job.id(), kind.wireName(), job.attempts());
    publish(job, JobState.RUNNING, null);
    long started = System.nanoTime();
    Context context = vertx.getOrCreateContext();
    JobControl control = new JobControl((fraction, step) -> context.runOnContext(v -> reportProgress(consumer, job, fraction, step)));
    long leaseRenewal = vertx.setPeriodic(Math.max(250, config.lease().toMillis() / 3),
        t -> renewJobLease(consumer, job, control));
    return Future.<JobHandler.ResultWriter>future(p -> handler.run(job, control).onComplete(p))
        .eventually(() -> {
          vertx.cancelTimer(leaseRenewal);
          return Future.succeededFuture();
        })
        .transform(result -> {
          if (control.isCancelRequested()) {
            // Asked to stop: whatever the handler made of it, the job ends cancelled and its result is dropped.
            return jobs.markCancelled(job.id(), job.attempts())
                .onSuccess(marked -> {
                  LOG.info("worker={} job={} attempt={} cancelled", consumer, job.id(), job.attempts());
                  if (marked) {
                    publish(job, JobState.CANCELLED, null);
                  }
                })
                .mapEmpty();
          }
          if (result.succeeded()) {
            recordRun(started, "succeeded");
            JobHandler.ResultWriter writer = result.result();
            Future<Boolean> committed = writer == JobHandler.ResultWriter.NONE
                ? JobRepository.markSucceeded(jobs.pool(), job.id(), job.attempts())
                : jobs.pool().withTransaction(tx -> writer.write(tx)
                    .compose(ignored -> JobRepository.markSucceeded(tx, job.id(), job.attempts())));
            return committed
                .onSuccess(marked -> {
                  LOG.info("worker={} job={} succeeded in {} ms", consumer, job.id(), (System.nanoTime() - started) / 1_000_000);
                  if (marked) {
                    publish(job, JobState.SUCCEEDED, null);
                  }
                })
                .mapEmpty();
          }
          String error = result.cause() instanceof JobFailedException failed
              ? failed.describe()
              : "internal: " + result.cause();
          recordRun(started, "failed");
          io.micrometer.core.instrument.Counter.builder("atelier.jobs.failures")
              .description("Failed job attempts")
              .tag("kind", kind.wireName())
              .tag("retryable", Boolean.toString(RetryPolicy.isRetryable(result.cause())))
              .register(QueueMetrics.registry())
              .increment();
          OffsetDateTime retryAt = RetryPolicy.isRetryable(result.cause()) && job.attempts() < job.maxAttempts()
              ? OffsetDateTime.now(ZoneOffset.UTC).plus(config.retry().delayAfter(job.attempts(), RANDOM))
              : null;
          return jobs.markFailed(job.id(), job.attempts(), error, retryAt)
              .onSuccess(state -> state.ifPresent(s -> {
                if (s == JobState.QUEUED) {
                  LOG.warn("worker={} job={} attempt={} failed, retrying at {}: {}", consumer, job.id(), job.attempts(),
                      retryAt, error);
                } else {
                  LOG.warn("worker={} job={} attempt={} failed for good: {}", consumer, job.id(), job.attempts(), error);
                }
                publish(job, s, error);
              }))
              .mapEmpty();
        });
  }

  private void recordRun(long startedNanos, String outcome) {
    io.micrometer.core.instrument.Timer.builder("atelier.jobs.run")
        .description("Time a job attempt ran, by outcome")
        .tag("kind", kind.wireName())
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(QueueMetrics.registry())
        .record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private void reportProgress(String consumer, Job job, double fraction, String step) {
    jobs.logProgress(job.id(), job.attempts(), fraction, step)
        .onSuccess(logged -> {
          if (logged) {
            vertx.eventBus().publish(BusAddresses.JOB_EVENTS, new JobEvent(job.id(), job.projectId(), kind,
                JobState.RUNNING, null, fraction, Instant.now()).toJson());
          }
        })
        .onFailure(e -> LOG.debug("worker={} job={} progress not logged: {}", consumer, job.id(), e.toString()));
  }

  private void renewJobLease(String consumer, Job job, JobControl control) {
    jobs.renewLease(job.id(), job.attempts(), config.lease())
        .onSuccess(lease -> {
          if (lease == JobRepository.Lease.CANCEL_REQUESTED && !control.isCancelRequested()) {
            LOG.info("worker={} job={} cancellation requested; stopping", consumer, job.id());
            control.requestCancel();
          } else if (lease == JobRepository.Lease.LOST) {
            LOG.warn("worker={} job={} attempt={} lost its lease to another worker; its result will be refused",
                consumer, job.id(), job.attempts());
          }
        })
        .onFailure(e -> LOG.warn("worker={} could not renew lease of job={}: {}", consumer, job.id(), e.toString()));
  }

  private void renewStreamLease(String consumer, StreamEntry entry) {
    redis.send(Request.cmd(Command.XCLAIM).arg(kind.streamKey()).arg(kind.consumerGroup()).arg(consumer).arg(0)
            .arg(entry.id()).arg("JUSTID"))
        .onFailure(e -> LOG.warn("worker={} could not renew lease of entry={}: {}", consumer, entry.id(), e.toString()));
  }

  private Future<Void> acknowledge(StreamEntry entry) {
    return redis.send(Request.cmd(Command.XACK).arg(kind.streamKey()).arg(kind.consumerGroup()).arg(entry.id()))
        .mapEmpty();
  }

  private void publish(Job job, JobState state, String error) {
    vertx.eventBus().publish(BusAddresses.JOB_EVENTS,
        new JobEvent(job.id(), job.projectId(), kind, state, error, null, Instant.now()).toJson());
  }

  /** The first entry of an XREADGROUP/XAUTOCLAIM entry list, skipping entries whose data was trimmed away. */
  private static Optional<StreamEntry> firstEntry(Response entries) {
    if (entries == null) {
      return Optional.empty();
    }
    for (Response entry : entries) {
      if (entry == null || entry.size() < 2 || entry.get(1) == null) {
        continue;
      }
      Map<String, String> fields = new HashMap<>();
      Response flat = entry.get(1);
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
      }
      return Optional.of(new StreamEntry(entry.get(0).toString(), fields));
    }
    return Optional.empty();
  }

  private record StreamEntry(String id, Map<String, String> fields) {
  }

  /** A name unique to this process, for the consumer names of its workers. */
  public static String uniqueWorkerName(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
