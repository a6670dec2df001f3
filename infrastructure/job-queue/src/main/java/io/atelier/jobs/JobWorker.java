package io.atelier.jobs;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobEvent;
import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.contracts.QueuedJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls one kind's jobs from its Redis stream through the kind's consumer group and runs up to
 * {@code concurrency} of them at once.
 *
 * <p>Leases: the job row holds its lease (owner and expiry), which the worker renews every third of the lease while
 * the job runs; so does the stream entry, which stays pending in the group until acknowledged and which the worker
 * re-claims to reset its idle time. A worker that dies stops both: once the entry has been idle for a whole lease
 * another worker takes it over (XAUTOCLAIM), and PostgreSQL lets it start a new attempt only if the row's lease
 * has expired. A duplicate delivery of a finished, not yet due, or live-leased job is only acknowledged.
 *
 * <p>Failures: a retryable failure with attempts left queues the job again after a backoff (the sweeper publishes
 * it when due); anything else fails the job for good. Every attempt's start and end are in the job's event log.
 *
 * <p>An entry is acknowledged once the job's outcome is committed; if PostgreSQL cannot be reached the entry stays
 * pending and comes back after the lease.
 *
 * <p>Throughput: while its jobs are short, the worker reads up to {@code concurrency} entries ahead of its free slots,
 * so a slot that frees starts its next job without first waiting for Redis; only the entries are held ahead (pending
 * in the group, handed back when the worker stops), never more than {@code concurrency} jobs are started. Behind
 * long jobs it reads only for free slots, so that no entry waits here while another worker could run it. Attempts
 * start in one statement, plain successes finish together and acknowledgements go together ({@link GroupCommit}),
 * and one timer renews every running job's lease in one statement. A busy worker so makes a few round trips per
 * batch, not per job.
 */
public final class JobWorker {

  private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);
  private static final java.util.random.RandomGenerator RANDOM = new java.util.SplittableRandom();
  /** Jobs that run shorter than this on average are read ahead; until the first one ends, a kind counts as long. */
  static final long READ_AHEAD_BELOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Vertx vertx;
  private final Redis redis;
  private final JobRepository jobs;
  private final JobKind kind;
  private final String workerName;
  private final WorkerConfig config;
  private final JobHandler handler;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final JobSweeper sweeper;
  private final JobQueue queue;
  private final PipelineRepository pipelines;
  private final GroupCommit<UUID, java.util.Optional<Job>> starts;
  private final GroupCommit<JobRepository.Attempt, Boolean> successes;
  private final GroupCommit<String, Void> acknowledgements;
  private final Map<UUID, RunningJob> running = new HashMap<>();
  private final Map<String, Timer> runTimers = new HashMap<>();
  private final Promise<Void> fetchingStopped = Promise.promise();
  private final Promise<Void> drained = Promise.promise();

  // Touched on the worker's context only.
  private Context context;
  private RedisConnection readConnection;
  /** Entries taken from the stream whose job has not yet started or whose handler is still running. */
  private int inFlight;
  /**
   * Entries read ahead of a free slot: a slot that frees starts its next job at once instead of first waiting for a
   * read. At most {@code concurrency} of them; only their stream entries are held (pending in the group), not their
   * jobs, which start in PostgreSQL when a slot takes them. Also entries read for free slots, until handed to them.
   */
  private final java.util.ArrayDeque<StreamEntry> readAhead = new java.util.ArrayDeque<>();
  /**
   * Recent handler run time (a moving average). The worker reads ahead only while its jobs are short: an entry held
   * behind long jobs would wait for them while another worker could run it now.
   */
  private long recentRunNanos = READ_AHEAD_BELOW_NANOS + 1;
  /** Jobs whose handler is done and whose outcome is being committed. */
  private int committing;
  /** Hand-backs of read-ahead entries (on stop) not yet done. */
  private int handingBack;
  /** Completed when the read-ahead has room again: the fetch loop waits on it while it is full. */
  private Promise<Void> roomFreed;
  private long lastClaimCheck;
  private long leaseTimer = -1;

  private record RunningJob(Job job, String entryId, JobControl control, long startedNanos) {
  }

  private record StreamEntry(String id, Map<String, String> fields) {
  }

  /** The attempt is no longer its job's current one: its result is refused. */
  private static final class StaleAttempt extends RuntimeException {
    StaleAttempt() {
      super("the attempt is no longer the job's current one", null, false, false);
    }
  }

  public JobWorker(Vertx vertx, Redis redis, JobRepository jobs, JobKind kind, String workerName,
                   WorkerConfig config, JobHandler handler) {
    this.vertx = vertx;
    this.redis = redis;
    this.jobs = jobs;
    this.kind = kind;
    this.workerName = workerName;
    this.config = config;
    this.handler = handler;
    this.lastClaimCheck = System.nanoTime() - config.lease().toNanos();
    this.queue = new JobQueue(jobs, redis);
    this.pipelines = new PipelineRepository(jobs.pool());
    this.sweeper = new JobSweeper(vertx, jobs, queue, kind, config.sweepInterval(), config.republishAfter());
    // One write of each kind at a time: what arrives meanwhile waits and goes in the next, larger batch.
    this.starts = new GroupCommit<>(Math.max(16, config.concurrency()), 1, this::startAll);
    this.successes = new GroupCommit<>(Math.max(16, config.concurrency()), 1, jobs::markAllSucceeded);
    this.acknowledgements = new GroupCommit<>(Math.max(16, config.concurrency()), 1, this::acknowledgeAll);
  }

  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> ensureGroup().onComplete(result -> {
      if (result.succeeded()) {
        leaseTimer = vertx.setPeriodic(Math.max(250, config.lease().toMillis() / 3), t -> renewLeases());
        fetch();
        sweeper.start();
        LOG.info("worker={} kind={} consuming {} with {} slots", workerName, kind.wireName(), kind.streamKey(),
            config.concurrency());
      }
      started.handle(result);
    }));
    return started.future();
  }

  /** Stops taking jobs, lets running ones finish, then returns. */
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    context.runOnContext(v -> {
      stopping.set(true);
      sweeper.stop();
      handBack();
      // A read blocked in XREADGROUP ends when its connection does.
      dropReadConnection();
      wakeFetcher();
      checkDrained();
    });
    return Future.join(fetchingStopped.future(), drained.future())
        .eventually(() -> {
          vertx.cancelTimer(leaseTimer);
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  private Future<Void> ensureGroup() {
    // "0": entries added before the group existed are still delivered.
    return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(kind.streamKey()).arg(kind.consumerGroup())
            .arg("0").arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /**
   * The fetch loop: reads entries for the free slots (and, while jobs are short, up to {@code concurrency} more to
   * read ahead), hands them to the slots, and reads again.
   */
  private void fetch() {
    if (stopping.get()) {
      fetchingStopped.tryComplete();
      return;
    }
    int ahead = recentRunNanos < READ_AHEAD_BELOW_NANOS ? config.concurrency() : 0;
    int free = config.concurrency() - inFlight + ahead - readAhead.size();
    if (free <= 0) {
      roomFreed = Promise.promise();
      roomFreed.future().onComplete(v -> fetch());
      return;
    }
    // Expired entries are looked for every half lease (and while some keep turning up), not before every read.
    long now = System.nanoTime();
    boolean claimDue = now - lastClaimCheck >= config.lease().toNanos() / 2;
    Future<List<StreamEntry>> expired = claimDue ? claimExpired(free) : Future.succeededFuture(List.of());
    onContext(expired
        .onSuccess(claimed -> {
          if (claimDue && claimed.size() < free) {
            lastClaimCheck = now;
          }
        })
        .compose(claimed -> claimed.isEmpty() ? readNew(free) : Future.succeededFuture(claimed)))
        .onComplete(result -> {
          if (result.succeeded()) {
            readAhead.addAll(result.result());
            if (stopping.get()) {
              // Read while the worker stopped: handed back with the rest of the read-ahead.
              handBack();
            } else {
              dispatch();
            }
            fetch();
          } else if (stopping.get()) {
            fetch();
          } else if (String.valueOf(result.cause().getMessage()).startsWith("NOGROUP")) {
            // Redis lost the stream and its group (restarted empty, flushed): make them again; the sweeper
            // re-publishes the jobs PostgreSQL still has queued.
            LOG.warn("worker={} consumer group is gone; creating it again", workerName);
            ensureGroup().onComplete(ignored -> vertx.setTimer(100, t -> fetch()));
          } else {
            LOG.warn("worker={} queue error, retrying in 1 s: {}", workerName, result.cause().toString());
            dropReadConnection();
            vertx.setTimer(1_000, t -> fetch());
          }
        });
  }

  private Future<List<StreamEntry>> claimExpired(int count) {
    return redis.send(Request.cmd(Command.XAUTOCLAIM).arg(kind.streamKey()).arg(kind.consumerGroup()).arg(workerName)
            .arg(config.lease().toMillis()).arg("0-0").arg("COUNT").arg(count))
        .map(response -> entries(response.get(1)))
        .onSuccess(entries -> entries.forEach(e ->
            LOG.info("worker={} took over entry={} whose lease expired", workerName, e.id())));
  }

  private Future<List<StreamEntry>> readNew(int count) {
    return readConnection()
        .compose(connection -> connection.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(kind.consumerGroup())
            .arg(workerName).arg("COUNT").arg(count).arg("BLOCK").arg(config.pollBlock().toMillis())
            .arg("STREAMS").arg(kind.streamKey()).arg(">")))
        .map(response -> response == null || response.type() != ResponseType.MULTI || response.size() == 0
            ? List.<StreamEntry>of()
            : entries(response.get(0).get(1)));
  }

  private Future<RedisConnection> readConnection() {
    if (readConnection != null) {
      return Future.succeededFuture(readConnection);
    }
    // XREADGROUP BLOCK holds its connection, so the worker reads on a connection of its own.
    return onContext(redis.connect()).onSuccess(connection -> {
      if (stopping.get()) {
        connection.close();
        return;
      }
      readConnection = connection;
      connection.exceptionHandler(e -> context.runOnContext(v -> dropReadConnection()));
    });
  }

  private void dropReadConnection() {
    RedisConnection connection = readConnection;
    readConnection = null;
    if (connection != null) {
      connection.close();
    }
  }

  /** Hands read-ahead entries to the free slots. */
  private void dispatch() {
    int free = config.concurrency() - inFlight;
    if (free <= 0 || readAhead.isEmpty() || stopping.get()) {
      return;
    }
    List<StreamEntry> next = new ArrayList<>(Math.min(free, readAhead.size()));
    while (next.size() < free && !readAhead.isEmpty()) {
      next.add(readAhead.poll());
    }
    wakeFetcher();
    process(next);
  }

  /**
   * Gives the read-ahead's entries back to the stream when the worker stops: each is added again (for any worker to
   * take now) and then acknowledged here. Should this fail, the entries stay pending and another worker takes them
   * over after the lease; a job that ends up delivered twice runs once (duplicates are only acknowledged).
   */
  private void handBack() {
    if (readAhead.isEmpty()) {
      return;
    }
    List<StreamEntry> entries = List.copyOf(readAhead);
    readAhead.clear();
    List<Request> adds = new ArrayList<>(entries.size());
    for (StreamEntry entry : entries) {
      Request add = Request.cmd(Command.XADD).arg(kind.streamKey()).arg("*");
      entry.fields().forEach((name, value) -> add.arg(name).arg(value));
      adds.add(add);
    }
    Request ack = Request.cmd(Command.XACK).arg(kind.streamKey()).arg(kind.consumerGroup());
    entries.forEach(e -> ack.arg(e.id()));
    handingBack++;
    onContext(redis.batch(adds).compose(added -> redis.send(ack)))
        .onComplete(result -> {
          handingBack--;
          if (result.failed()) {
            LOG.warn("worker={} could not hand back {} read-ahead entries (they are taken over after the lease): {}",
                workerName, entries.size(), result.cause().toString());
          }
          checkDrained();
        });
  }

  /** Starts attempts on the entries' jobs in one statement and runs the ones started. */
  private void process(List<StreamEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    inFlight += entries.size();
    Map<UUID, StreamEntry> byJob = new LinkedHashMap<>();
    for (StreamEntry entry : entries) {
      QueuedJob queued;
      try {
        queued = QueuedJob.fromStreamFields(entry.fields());
      } catch (IllegalArgumentException malformed) {
        LOG.error("worker={} entry={} is malformed and is dropped: {}", workerName, entry.id(), malformed.getMessage());
        acknowledgeAndRelease(entry.id());
        continue;
      }
      RunningJob here = running.get(queued.jobId());
      if (here != null && here.entryId().equals(entry.id())) {
        // Its own entry, claimed back while the job runs: it is acknowledged when the job ends.
        release(1);
      } else if (here != null || byJob.putIfAbsent(queued.jobId(), entry) != null) {
        // The same job twice in one read, or again while it runs here: the delivery is a duplicate.
        acknowledgeAndRelease(entry.id());
      }
    }
    if (byJob.isEmpty()) {
      return;
    }
    byJob.forEach((jobId, entry) -> onContext(starts.submit(jobId)).onComplete(result -> {
      if (result.failed()) {
        // Not acknowledged: the entry comes back after the lease, when PostgreSQL may be back.
        LOG.warn("worker={} could not start job={}: {}", workerName, jobId, result.cause().toString());
        release(1);
      } else if (result.result().isPresent()) {
        run(result.result().get(), entry.id());
      } else {
        LOG.debug("worker={} job={} is finished, not due or leased elsewhere; delivery acknowledged", workerName, jobId);
        acknowledgeAndRelease(entry.id());
      }
    }));
  }

  /** Starts attempts on the jobs in one statement; empty for a job that was not started (a duplicate delivery). */
  private Future<List<java.util.Optional<Job>>> startAll(List<UUID> jobIds) {
    return jobs.startAttempts(jobIds, workerName, config.lease()).map(started -> {
      Map<UUID, Job> byId = new HashMap<>();
      started.forEach(job -> byId.put(job.id(), job));
      return jobIds.stream().map(id -> java.util.Optional.ofNullable(byId.get(id))).toList();
    });
  }

  private void run(Job job, String entryId) {
    LOG.debug("worker={} job={} kind={} attempt={} started", workerName, job.id(), kind.wireName(), job.attempts());
    publish(job, JobState.RUNNING, null);
    JobControl control = new JobControl((fraction, step) -> context.runOnContext(v -> reportProgress(job, fraction, step)));
    RunningJob runningJob = new RunningJob(job, entryId, control, System.nanoTime());
    running.put(job.id(), runningJob);
    Future<JobHandler.ResultWriter> outcome;
    try {
      outcome = handler.run(job, control);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    onContext(outcome)
        .transform(result -> {
          // The handler is done, so its slot is free while the outcome commits (together with others').
          recentRunNanos += (System.nanoTime() - runningJob.startedNanos() - recentRunNanos) / 4;
          committing++;
          release(1);
          return finish(runningJob, result);
        })
        .onComplete(committed -> {
          running.remove(job.id());
          committing--;
          if (committed.succeeded()) {
            acknowledge(entryId);
          } else {
            // Not acknowledged: the lease runs out and another attempt takes the job over.
            LOG.warn("worker={} job={} outcome not committed: {}", workerName, job.id(), committed.cause().toString());
          }
          checkDrained();
        });
  }

  /** Commits the attempt's outcome; fails when PostgreSQL could not take it. */
  private Future<Void> finish(RunningJob runningJob, io.vertx.core.AsyncResult<JobHandler.ResultWriter> result) {
    Job job = runningJob.job();
    if (runningJob.control().isCancelRequested()) {
      // Asked to stop: whatever the handler made of it, the job ends cancelled and its result is dropped.
      return onContext(jobs.markCancelled(job.id(), job.attempts()))
          .onSuccess(marked -> {
            LOG.info("worker={} job={} attempt={} cancelled", workerName, job.id(), job.attempts());
            if (marked) {
              publish(job, JobState.CANCELLED, null);
            }
          })
          .mapEmpty();
    }
    if (result.succeeded()) {
      recordRun(runningJob.startedNanos(), "succeeded");
      JobHandler.ResultWriter writer = result.result();
      Future<Boolean> committed = writer == JobHandler.ResultWriter.NONE
          ? successes.submit(new JobRepository.Attempt(job.id(), job.attempts()))
          : jobs.pool().withTransaction(tx -> JobRepository.markSucceeded(tx, job.id(), job.attempts())
                  // A stale attempt (its job taken over or cancelled) must not write: results are keyed by job id,
                  // so its write would replace the current attempt's. Failing the transaction rolls it back.
                  .compose(marked -> marked ? writer.write(tx).map(true) : Future.failedFuture(new StaleAttempt())))
              .recover(e -> e instanceof StaleAttempt ? Future.succeededFuture(false) : Future.failedFuture(e));
      return onContext(committed)
          .onSuccess(marked -> {
            LOG.info("worker={} job={} succeeded in {} ms", workerName, job.id(),
                (System.nanoTime() - runningJob.startedNanos()) / 1_000_000);
            if (marked) {
              publish(job, JobState.SUCCEEDED, null);
            } else {
              LOG.warn("worker={} job={} attempt={} result refused: the attempt is no longer the job's current one",
                  workerName, job.id(), job.attempts());
            }
          })
          .compose(marked -> marked && job.pipelineId() != null ? publishNextStep(job) : Future.succeededFuture());
    }
    String error = result.cause() instanceof JobFailedException failed ? failed.describe() : "internal: " + result.cause();
    boolean retryable = RetryPolicy.isRetryable(result.cause());
    recordRun(runningJob.startedNanos(), "failed");
    Counter.builder("atelier.jobs.failures")
        .description("Failed job attempts")
        .tag("kind", kind.wireName())
        .tag("retryable", Boolean.toString(retryable))
        .register(QueueMetrics.registry())
        .increment();
    OffsetDateTime retryAt = retryable && job.attempts() < job.maxAttempts()
        ? OffsetDateTime.now(ZoneOffset.UTC).plus(config.retry().delayAfter(job.attempts(), RANDOM))
        : null;
    return onContext(jobs.markFailed(job.id(), job.attempts(), error, retryAt))
        .onSuccess(state -> state.ifPresent(s -> {
          if (s == JobState.QUEUED) {
            LOG.warn("worker={} job={} attempt={} failed, retrying at {}: {}", workerName, job.id(), job.attempts(),
                retryAt, error);
          } else {
            LOG.warn("worker={} job={} attempt={} failed for good: {}", workerName, job.id(), job.attempts(), error);
          }
          publish(job, s, error);
        }))
        .mapEmpty();
  }

  /**
   * Adds the step its success queued (in the same transaction) to that step's stream. Should this fail or the node
   * die first, the next kind's sweeper publishes it.
   */
  private Future<Void> publishNextStep(Job job) {
    return pipelines.takeUnpublished(job.pipelineId())
        .compose(next -> Future.all(next.stream().map(queue::publish).toList()))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("pipeline={} next step not published yet (the sweeper will): {}", job.pipelineId(), e.toString());
          return Future.succeededFuture();
        });
  }

  private void acknowledgeAndRelease(String entryId) {
    acknowledge(entryId);
    release(1);
  }

  private void acknowledge(String entryId) {
    acknowledgements.submit(entryId)
        .onFailure(e -> LOG.debug("worker={} entry={} not acknowledged (it comes back and is acknowledged then): {}",
            workerName, entryId, e.toString()));
  }

  private Future<List<Void>> acknowledgeAll(List<String> entryIds) {
    Request ack = Request.cmd(Command.XACK).arg(kind.streamKey()).arg(kind.consumerGroup());
    entryIds.forEach(ack::arg);
    return redis.send(ack).map(ignored -> Collections.nCopies(entryIds.size(), (Void) null));
  }

  private void release(int slots) {
    inFlight -= slots;
    dispatch();
    wakeFetcher();
    checkDrained();
  }

  private void checkDrained() {
    if (stopping.get() && inFlight == 0 && committing == 0 && handingBack == 0 && readAhead.isEmpty()) {
      drained.tryComplete();
    }
  }

  private void wakeFetcher() {
    Promise<Void> waiting = roomFreed;
    roomFreed = null;
    if (waiting != null) {
      waiting.complete();
    }
  }

  /** Renews the leases of every job running here: one statement, and one XCLAIM for their entries. */
  private void renewLeases() {
    if (running.isEmpty()) {
      return;
    }
    List<RunningJob> snapshot = List.copyOf(running.values());
    claimEntries(snapshot.stream().map(RunningJob::entryId).toList());
    onContext(jobs.renewLeases(snapshot.stream()
            .map(r -> new JobRepository.Attempt(r.job().id(), r.job().attempts())).toList(), config.lease()))
        .onSuccess(held -> {
          for (RunningJob r : snapshot) {
            Boolean cancelRequested = held.get(r.job().id());
            if (cancelRequested == null) {
              if (running.containsKey(r.job().id())) {
                LOG.warn("worker={} job={} attempt={} lost its lease to another worker; its result will be refused",
                    workerName, r.job().id(), r.job().attempts());
              }
            } else if (cancelRequested && !r.control().isCancelRequested()) {
              LOG.info("worker={} job={} cancellation requested; stopping", workerName, r.job().id());
              r.control().requestCancel();
            }
          }
        })
        .onFailure(e -> LOG.warn("worker={} could not renew the leases of {} jobs: {}", workerName, snapshot.size(),
            e.toString()));
  }

  /** Resets the entries' idle time in the group, so no other worker takes them over while they are handled here. */
  private void claimEntries(List<String> entryIds) {
    Request claim = Request.cmd(Command.XCLAIM).arg(kind.streamKey()).arg(kind.consumerGroup()).arg(workerName).arg(0);
    entryIds.forEach(claim::arg);
    redis.send(claim.arg("JUSTID"))
        .onFailure(e -> LOG.warn("worker={} could not renew the leases of {} entries: {}", workerName, entryIds.size(),
            e.toString()));
  }

  private void recordRun(long startedNanos, String outcome) {
    runTimers.computeIfAbsent(outcome, o -> Timer.builder("atelier.jobs.run")
            .description("Time a job attempt ran, by outcome")
            .tag("kind", kind.wireName())
            .tag("outcome", o)
            .publishPercentileHistogram()
            .register(QueueMetrics.registry()))
        .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  private void reportProgress(Job job, double fraction, String step) {
    jobs.logProgress(job.id(), job.attempts(), fraction, step)
        .onSuccess(logged -> {
          if (logged) {
            vertx.eventBus().publish(BusAddresses.JOB_EVENTS, new JobEvent(job.id(), job.projectId(), kind,
                JobState.RUNNING, null, fraction, Instant.now(), job.pipelineId()).toJson());
          }
        })
        .onFailure(e -> LOG.debug("worker={} job={} progress not logged: {}", workerName, job.id(), e.toString()));
  }

  private void publish(Job job, JobState state, String error) {
    vertx.eventBus().publish(BusAddresses.JOB_EVENTS,
        new JobEvent(job.id(), job.projectId(), kind, state, error, null, Instant.now(), job.pipelineId()).toJson());
  }

  /** The same outcome, delivered on the worker's context: its state is only ever touched there. */
  private <T> Future<T> onContext(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(result -> {
      if (Vertx.currentContext() == context) {
        promise.handle(result);
      } else {
        context.runOnContext(v -> promise.handle(result));
      }
    });
    return promise.future();
  }

  /** The entries of an XREADGROUP/XAUTOCLAIM answer, skipping entries whose data was trimmed away. */
  private static List<StreamEntry> entries(Response entries) {
    List<StreamEntry> out = new ArrayList<>();
    if (entries == null) {
      return out;
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
      out.add(new StreamEntry(entry.get(0).toString(), fields));
    }
    return out;
  }

  /** A name unique to this process, for the consumer names of its workers. */
  public static String uniqueWorkerName(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
