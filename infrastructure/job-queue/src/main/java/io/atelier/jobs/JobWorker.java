package io.atelier.jobs;

import io.atelier.contracts.BusMessages;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.CancelJob;
import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.contracts.QueuedJob;
import io.atelier.database.GroupCommit;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one kind's jobs: takes entries from the kind's Redis stream ({@link SlotFeeder}), starts their jobs'
 * attempts in PostgreSQL, runs up to {@code concurrency} handlers at once, commits how each attempt ended
 * ({@link AttemptOutcomes}) and keeps the leases of the running ones ({@link LeaseKeeper}).
 *
 * <p>PostgreSQL decides who runs a job: an attempt starts only on a due queued job or a running one whose lease
 * expired, and only the current attempt may end it, so a duplicate delivery is only acknowledged. An entry is
 * acknowledged once its job's outcome is committed; if PostgreSQL cannot be reached it stays pending and comes back
 * after the lease.
 *
 * <p>A cancellation reaches a running job at once as a request on the bus ({@link BusAddresses#worker}), or else
 * at the next lease renewal. A stopping worker takes no more entries, gives back the ones it read ahead, lets its
 * jobs finish within the grace period and hands back those that do not (queued again, lease released at once).
 *
 * <p>Each job's handler, and the commit of its outcome, run on the job's own context ({@link WorkerContext#forJob}),
 * working for the request that made the job: its lines, on whatever node runs it, carry that request's id.
 */
public final class JobWorker {

  private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);
  /** After a hand-back, how long the worker waits for the handlers it told to stop before it goes anyway. */
  private static final Duration HANDED_BACK_HANDLERS_WAIT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final JobEngine engine;
  private final JobKind kind;
  private final String workerName;
  private final WorkerConfig config;
  private final JobHandler handler;
  private final Map<UUID, RunningJob> running = new HashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Promise<Void> drained = Promise.promise();

  // Built at start, on the worker's context, and only touched there.
  private WorkerContext context;
  private JobStream stream;
  private SlotFeeder feeder;
  private LeaseKeeper leases;
  private AttemptOutcomes outcomes;
  private GroupCommit<UUID, Optional<Job>> starts;
  private MessageConsumer<JsonObject> cancelRequests;
  /** Handlers done whose outcome is being committed. */
  private int committing;
  private boolean stopping;
  private boolean handingBack;

  private static final class RunningJob implements LeaseKeeper.Held {
    final Job job;
    final String entryId;
    final JobControl control;
    final long startedNanos;
    /** Given back to the queue by a stopping worker: whatever its handler returns is not committed. */
    boolean handedBack;
    boolean done;

    RunningJob(Job job, String entryId, JobControl control, long startedNanos) {
      this.job = job;
      this.entryId = entryId;
      this.control = control;
      this.startedNanos = startedNanos;
    }

    @Override
    public Job job() {
      return job;
    }

    @Override
    public String entryId() {
      return entryId;
    }

    @Override
    public JobControl control() {
      return control;
    }

    @Override
    public boolean stillRunning() {
      return !done;
    }
  }

  public JobWorker(Vertx vertx, JobEngine engine, JobKind kind, String workerName, WorkerConfig config,
                   JobHandler handler) {
    this.vertx = vertx;
    this.engine = engine;
    this.kind = kind;
    this.workerName = workerName;
    this.config = config;
    this.handler = handler;
  }

  /** The name this worker's leases and stream entries carry, and its bus address is made from. */
  public String name() {
    return workerName;
  }

  /** Jobs whose handler runs here now (readable from any thread). */
  public int jobsInFlight() {
    return inFlight.get();
  }

  public Future<Void> start() {
    context = new WorkerContext(vertx.getOrCreateContext());
    int batch = Math.max(16, config.concurrency());
    stream = new JobStream(engine.redis(), kind, workerName, batch);
    feeder = new SlotFeeder(vertx, context, stream, config, workerName, this::take);
    leases = new LeaseKeeper(vertx, context, engine.jobs(), stream, config.lease(), workerName, running::values);
    outcomes = new AttemptOutcomes(engine, workerName, config.retry(), batch);
    // One start statement at a time: what arrives meanwhile waits and goes in the next, larger batch.
    starts = new GroupCommit<>(batch, 1, this::startAll);
    Promise<Void> started = Promise.promise();
    context.run(() -> {
      cancelRequests = vertx.eventBus().consumer(BusAddresses.worker(workerName), this::onCancelRequest);
      context.on(stream.ensureGroup().compose(ignored -> cancelRequests.completion()))
          .onSuccess(ignored -> {
            leases.start();
            feeder.start();
            LOG.info("worker={} kind={} consuming {} with {} slots", workerName, kind.wireName(), kind.streamKey(),
                config.concurrency());
          })
          .onComplete(started);
    });
    return started.future();
  }

  /** Takes no more entries (the node is draining); the jobs running here go on. */
  public void stopTaking() {
    if (context != null) {
      context.run(() -> {
        stopping = true;
        feeder.stop();
      });
    }
  }

  /**
   * Stops: takes no more entries, gives back those read ahead, waits up to {@code grace} for the running jobs and
   * then hands back the ones still running, so that another worker starts them at once.
   */
  public Future<Void> stop(Duration grace) {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> stopped = Promise.promise();
    context.run(() -> {
      stopping = true;
      long graceTimer = vertx.setTimer(Math.max(1, grace.toMillis()), t -> handBackRunning());
      checkDrained();
      Future.join(feeder.stop(), drained.future())
          .onComplete(ignored -> {
            vertx.cancelTimer(graceTimer);
            leases.stop();
            cancelRequests.unregister().onComplete(unregistered -> stopped.complete());
          });
    });
    return stopped.future();
  }

  /** Starts attempts on the entries' jobs in one statement and runs the ones started. */
  private void take(List<JobStream.Entry> entries) {
    Map<UUID, JobStream.Entry> byJob = new LinkedHashMap<>();
    for (JobStream.Entry entry : entries) {
      QueuedJob queued;
      try {
        queued = QueuedJob.fromStreamFields(entry.fields());
      } catch (IllegalArgumentException malformed) {
        LOG.error("worker={} entry={} is malformed and is dropped: {}", workerName, entry.id(), malformed.getMessage());
        acknowledgeAndRelease(entry.id());
        continue;
      }
      RunningJob here = running.get(queued.jobId());
      if (here != null && here.entryId.equals(entry.id())) {
        // Its own entry, claimed back while the job runs: it is acknowledged when the job ends.
        feeder.release(1);
      } else if (here != null || byJob.putIfAbsent(queued.jobId(), entry) != null) {
        // The same job twice in one read, or again while it runs here: the delivery is a duplicate.
        acknowledgeAndRelease(entry.id());
      }
    }
    byJob.forEach((jobId, entry) -> context.on(starts.submit(jobId)).onComplete(result -> {
      if (result.failed()) {
        // Not acknowledged: the entry comes back after the lease, when PostgreSQL may be back.
        LOG.warn("worker={} could not start job={}: {}", workerName, jobId, result.cause().toString());
        feeder.release(1);
      } else if (result.result().isPresent()) {
        run(result.result().get(), entry.id());
      } else {
        LOG.debug("worker={} job={} is finished, not due or leased elsewhere; delivery acknowledged", workerName, jobId);
        acknowledgeAndRelease(entry.id());
      }
    }));
  }

  /** Starts attempts on the jobs in one statement; empty for a job that was not started (a duplicate delivery). */
  private Future<List<Optional<Job>>> startAll(List<UUID> jobIds) {
    return engine.jobs().startAttempts(jobIds, workerName, config.lease()).map(started -> {
      Map<UUID, Job> byId = new HashMap<>();
      started.forEach(job -> byId.put(job.id(), job));
      return jobIds.stream().map(id -> Optional.ofNullable(byId.get(id))).toList();
    });
  }

  private void run(Job job, String entryId) {
    WorkerContext forJob = context.forJob(job);
    JobControl control = new JobControl((fraction, step) -> forJob.run(() -> reportProgress(job, fraction, step)));
    RunningJob runningJob = new RunningJob(job, entryId, control, System.nanoTime());
    running.put(job.id(), runningJob);
    inFlight.incrementAndGet();
    forJob.runNow(() -> runFor(job, runningJob, forJob));
  }

  /** Runs the job's handler and commits its outcome, all on the job's own context. */
  private void runFor(Job job, RunningJob runningJob, WorkerContext forJob) {
    LOG.debug("worker={} job={} kind={} attempt={} started", workerName, job.id(), job.kind().wireName(), job.attempts());
    engine.events().changed(job, JobState.RUNNING, null);
    JobControl control = runningJob.control;
    String entryId = runningJob.entryId;
    Future<JobHandler.ResultWriter> outcome;
    try {
      outcome = handler.run(job, control);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    forJob.on(outcome)
        .transform(result -> {
          // The handler is done, so its slot is free while the outcome commits (together with others').
          long ranNanos = System.nanoTime() - runningJob.startedNanos;
          runningJob.done = true;
          inFlight.decrementAndGet();
          feeder.ran(ranNanos);
          committing++;
          feeder.release(1);
          return runningJob.handedBack ? Future.<Void>succeededFuture()
              : forJob.on(outcomes.commit(job, result, control.isCancelRequested(), ranNanos));
        })
        .onComplete(committed -> {
          running.remove(job.id());
          committing--;
          if (committed.failed()) {
            // Not acknowledged: the lease runs out and another attempt takes the job over.
            LOG.warn("worker={} job={} outcome not committed: {}", workerName, job.id(), committed.cause().toString());
          } else if (!runningJob.handedBack) {
            stream.acknowledge(entryId);
          }
          checkDrained();
        });
  }

  /** A cancellation committed elsewhere, sent here because this worker holds the job's lease. */
  private void onCancelRequest(Message<JsonObject> message) {
    CancelJob request = BusMessages.decode(message, CancelJob::fromJson).orElse(null);
    if (request == null) {
      return;
    }
    RunningJob target = running.get(request.jobId());
    if (target == null || target.done || target.job.attempts() != request.attempt()) {
      message.fail(ErrorCode.NOT_FOUND.busCode(), "worker " + workerName + " does not run attempt "
          + request.attempt() + " of job " + request.jobId());
      return;
    }
    LOG.info("worker={} job={} cancellation requested; stopping", workerName, request.jobId());
    target.control.requestCancel();
    message.reply(CancelJob.reply(true));
  }

  /**
   * The grace period is over: the jobs still running here go back to the queue, lease released, and their handlers
   * are told to stop. Whatever those handlers return is not committed; the entries are added again for any worker.
   */
  private void handBackRunning() {
    List<RunningJob> unfinished = running.values().stream().filter(r -> !r.done).toList();
    if (unfinished.isEmpty() || handingBack) {
      return;
    }
    handingBack = true;
    unfinished.forEach(r -> {
      r.handedBack = true;
      r.control.requestCancel();
    });
    context.on(engine.jobs().handBack(unfinished.stream()
            .map(r -> new JobRepository.Attempt(r.job.id(), r.job.attempts())).toList()))
        .compose(handed -> {
          List<UUID> ids = handed.stream().map(Job::id).toList();
          handed.forEach(job -> engine.events().changed(job, JobState.QUEUED, null));
          LOG.info("worker={} handed back {} unfinished jobs: {}", workerName, handed.size(), ids);
          return context.on(stream.handBack(unfinished.stream().filter(r -> ids.contains(r.job.id()))
              .map(r -> new JobStream.Entry(r.entryId, new QueuedJob(r.job.id(), r.job.projectId(), r.job.kind())
                  .toStreamFields()))
              .toList()));
        })
        .onFailure(e -> LOG.warn("worker={} could not hand back its unfinished jobs (they are taken over after the "
            + "lease): {}", workerName, e.toString()))
        .onComplete(ignored -> {
          handingBack = false;
          // The handlers were told to stop; the worker does not wait on them for long.
          vertx.setTimer(HANDED_BACK_HANDLERS_WAIT.toMillis(), t -> drained.tryComplete());
          checkDrained();
        });
  }

  private void acknowledgeAndRelease(String entryId) {
    stream.acknowledge(entryId);
    feeder.release(1);
  }

  private void checkDrained() {
    if (stopping && running.isEmpty() && committing == 0 && !handingBack) {
      drained.tryComplete();
    }
  }

  private void reportProgress(Job job, double fraction, String step) {
    engine.jobs().logProgress(job.id(), job.attempts(), fraction, step)
        .onSuccess(logged -> {
          if (logged) {
            engine.events().progressed(job, fraction);
          }
        })
        .onFailure(e -> LOG.debug("worker={} job={} progress not logged: {}", workerName, job.id(), e.toString()));
  }

  /** A name unique to this process, for workers that run outside a node (tests, benchmarks). */
  public static String uniqueWorkerName(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
