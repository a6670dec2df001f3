package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.QueuedJob;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.CancelJob;
import io.atelier.contracts.JobState;
import io.atelier.correlation.RequestIds;
import io.atelier.database.GroupCommit;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits, cancels and retries jobs. Each change commits in PostgreSQL first (the job exists, or is cancelled, from
 * then on), then an entry naming the job is added to its kind's Redis stream so a worker picks it up at once, and the
 * change is published on the bus. A running job's cancellation is also sent to the worker holding its lease.
 *
 * <p>A job remembers the request it was submitted for ({@link RequestIds#current()}), so that its worker, on any
 * node, works for that request too.
 */
public final class JobQueue {

  private static final Logger LOG = LoggerFactory.getLogger(JobQueue.class);
  private static final int IDEMPOTENCY_CACHE_SECONDS = 24 * 60 * 60;

  /** Submissions that arrive together are committed together (see {@link GroupCommit}). */
  private static final int SUBMIT_BATCH = 256;

  /** How long a cancellation waits for the job's worker to say it is stopping the job. */
  private static final long CANCEL_REQUEST_TIMEOUT_MILLIS = 2_000;
  /**
   * How long adding stream entries may take before the jobs are left to the sweeper: the Redis client has no
   * request timeout of its own, and a reply that never comes must not hold a submission (and the group commit
   * behind it) for ever.
   */
  private static final long PUBLISH_TIMEOUT_MILLIS = 5_000;

  private final JobRepository jobs;
  private final Redis redis;
  private final JobEvents events;
  private final EventBus bus;
  private final GroupCommit<JobRepository.NewJob, Job> submissions;

  public JobQueue(JobRepository jobs, Redis redis, JobEvents events, EventBus bus) {
    this.jobs = jobs;
    this.redis = redis;
    this.events = events;
    this.bus = bus;
    this.submissions = new GroupCommit<>(SUBMIT_BATCH, 1, this::insertAndPublish);
  }

  /** A job as submitted; {@code replayed} when an idempotency key returned the job an earlier request made. */
  public record Submitted(Job job, boolean replayed) {
  }

  public Future<Job> submit(UUID projectId, JobKind kind, UUID assetId, JsonObject params) {
    return submit(projectId, kind, assetId, params, kind.defaultMaxAttempts());
  }

  public Future<Job> submit(UUID projectId, JobKind kind, UUID assetId, JsonObject params, int maxAttempts) {
    return submit(new JobSubmission(projectId, kind, assetId, params, maxAttempts, null, null)).map(Submitted::job);
  }

  /**
   * Submits a job. With an idempotency key: a repeated request returns the first one's job, and the key reused
   * with a different request fails with {@link IdempotencyConflictException}. Keys live in PostgreSQL (the truth,
   * committed with the job) and are cached in Redis for a day.
   */
  public Future<Submitted> submit(JobSubmission submission) {
    JobRepository.NewJob newJob = new JobRepository.NewJob(newJobId(), submission, RequestIds.current());
    Future<Submitted> submitted;
    if (submission.idempotencyKey() == null) {
      submitted = submissions.submit(newJob).map(job -> new Submitted(job, false));
    } else {
      byte[] hash = submission.requestHash();
      submitted = keyed(submission.projectId(), submission.idempotencyKey(), hash,
          jobId -> jobs.find(submission.projectId(), jobId).map(job -> job.map(j -> new Submitted(j, true))),
          () -> submitOnce(newJob, hash),
          made -> made.job().id());
    }
    return submitted.onSuccess(made -> LOG.info(made.replayed() ? "job={} kind={} replayed for its idempotency key"
        : "job={} kind={} queued", made.job().id(), made.job().kind().wireName()));
  }

  /**
   * A submission under an idempotency key, for jobs and pipelines alike. When Redis has the key cached (naming the
   * same request, or else this fails with a conflict), {@code replay} looks up what it made; when it is not cached or
   * no longer found, {@code submitOnce} runs, which claims the key in PostgreSQL with its row. The key is then cached
   * for a day, naming the job {@code jobIdOf} gives (a pipeline's: its first step's).
   */
  <T> Future<T> keyed(UUID projectId, String key, byte[] hash,
                      java.util.function.Function<UUID, Future<java.util.Optional<T>>> replay,
                      java.util.function.Supplier<Future<T>> submitOnce, java.util.function.Function<T, UUID> jobIdOf) {
    return cachedJobId(projectId, key, hash)
        .compose(cached -> cached.isEmpty() ? submitOnce.get()
            : replay.apply(cached.get()).compose(found -> found.isPresent()
                ? Future.succeededFuture(found.get()) : submitOnce.get()))
        .onSuccess(result -> cacheKey(projectId, key, hash, jobIdOf.apply(result)));
  }

  /** Caches an idempotency key (a day), naming its request's hash and the job it made; a failure is only logged. */
  private void cacheKey(UUID projectId, String key, byte[] hash, UUID jobId) {
    redis.send(Request.cmd(Command.SET).arg(cacheKeyOf(projectId, key))
            .arg(HexFormat.of().formatHex(hash) + ":" + jobId).arg("EX").arg(IDEMPOTENCY_CACHE_SECONDS))
        .onFailure(e -> LOG.debug("idempotency key not cached: {}", e.toString()));
  }

  private static String cacheKeyOf(UUID projectId, String key) {
    return "atelier:idempotency:" + projectId + ":" + key;
  }

  /**
   * A new job's id: a time-ordered UUID (version 7), so new rows land together at the end of the jobs table's
   * indexes instead of on random pages, which keeps inserts and the updates after them cheap.
   */
  static UUID newJobId() {
    return com.github.f4b6a3.uuid.UuidCreator.getTimeOrderedEpoch();
  }

  /** What a keyed submission's transaction did: inserted the job, or found the key claimed by an earlier request. */
  private record Claim(Job inserted, JobRepository.KeyedJob earlier) {
  }

  private Future<Submitted> submitOnce(JobRepository.NewJob newJob, byte[] hash) {
    JobSubmission submission = newJob.submission();
    // The earlier request's job is looked up after the transaction: a transaction that waits for a second
    // connection of the same pool deadlocks the pool once every connection is held by such a wait.
    return jobs.pool().withTransaction(tx -> JobRepository.claimKey(tx, submission.projectId(),
                submission.idempotencyKey(), hash, newJob.id())
            .compose(existing -> existing.isEmpty()
                ? JobRepository.insert(tx, newJob).map(job -> new Claim(job, null))
                : Future.succeededFuture(new Claim(null, existing.get()))))
        .compose(claim -> claim.earlier() != null ? replay(submission, hash, claim.earlier())
            : publishAfterCommit(claim.inserted()).map(new Submitted(claim.inserted(), false))
                .onSuccess(ignored -> events.changed(claim.inserted(), JobState.QUEUED, null)));
  }

  private Future<Submitted> replay(JobSubmission submission, byte[] hash, JobRepository.KeyedJob keyed) {
    if (!java.util.Arrays.equals(hash, keyed.requestHash())) {
      return Future.failedFuture(new IdempotencyConflictException(submission.idempotencyKey()));
    }
    return jobs.find(submission.projectId(), keyed.jobId())
        .map(job -> new Submitted(job.orElseThrow(() -> new IllegalStateException(
            "idempotency key names missing job " + keyed.jobId())), true));
  }

  /** The job id cached for the key; fails with a conflict when the cached request differs. Redis errors count as a miss. */
  private Future<java.util.Optional<UUID>> cachedJobId(UUID projectId, String key, byte[] hash) {
    return redis.send(Request.cmd(Command.GET).arg(cacheKeyOf(projectId, key)))
        .map(value -> {
          if (value == null) {
            return java.util.Optional.<UUID>empty();
          }
          String[] parts = value.toString().split(":", 2);
          if (!parts[0].equals(HexFormat.of().formatHex(hash))) {
            throw new IdempotencyConflictException(key);
          }
          return java.util.Optional.of(UUID.fromString(parts[1]));
        })
        .recover(e -> e instanceof IdempotencyConflictException ? Future.failedFuture(e)
            : Future.succeededFuture(java.util.Optional.empty()));
  }

  /** Commits the jobs, then adds their entries to their streams in one round trip. */
  private Future<List<Job>> insertAndPublish(List<JobRepository.NewJob> newJobs) {
    return JobRepository.insertAll(jobs.pool(), newJobs).compose(inserted -> {
      List<Request> adds = new ArrayList<>(inserted.size());
      inserted.forEach(job -> adds.add(add(new QueuedJob(job.id(), job.projectId(), job.kind()))));
      return redis.batch(adds)
          .timeout(PUBLISH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .<List<Job>>map(inserted)
          // The jobs are committed: lost stream entries delay them, they do not lose them (the sweeper re-publishes).
          .recover(e -> {
            LOG.warn("{} jobs committed but not published to Redis: {}", inserted.size(), e.getMessage());
            return Future.succeededFuture(inserted);
          })
          .onSuccess(committed -> committed.forEach(job -> events.changed(job, JobState.QUEUED, null)));
    });
  }

  private Future<Void> publishAfterCommit(Job job) {
    return publish(new QueuedJob(job.id(), job.projectId(), job.kind()))
        // The job is committed: a lost stream entry delays it, it does not lose it (the sweeper re-publishes).
        .recover(e -> {
          LOG.warn("job={} kind={} committed but not published to Redis: {}", job.id(), job.kind().wireName(),
              e.getMessage());
          return Future.succeededFuture();
        });
  }

  /**
   * Queues a failed or cancelled job again, with a fresh round of its kind's attempts; fails with
   * {@link WrongStateException} when it is neither.
   */
  public Future<Job> retry(Job job) {
    return requeue(job, job.kind().defaultMaxAttempts(), "retried");
  }

  /**
   * Queues a failed or cancelled job again with {@code extraAttempts} more attempts, adds its entry and publishes
   * the change; {@code action} names what the caller asked for, for the refusal of a job in another state.
   */
  Future<Job> requeue(Job job, int extraAttempts, String action) {
    return jobs.requeue(job.projectId(), job.id(), extraAttempts)
        .compose(requeued -> requeued.isPresent() ? Future.succeededFuture(requeued.get())
            : refusal(job, action, "failed or cancelled"))
        .compose(requeued -> publishAfterCommit(requeued).map(requeued))
        .onSuccess(requeued -> events.changed(requeued, JobState.QUEUED, null));
  }

  /**
   * Cancels a job: a queued one at once; for a running one the cancellation is committed and the worker holding
   * its lease is asked over the bus to stop it now. Should that request not reach it, the worker learns of the
   * cancellation at its next lease renewal. Fails with {@link WrongStateException} for a finished job.
   */
  public Future<Job> cancel(Job job) {
    return jobs.requestCancel(job.projectId(), job.id())
        .compose(cancelled -> cancelled.isPresent() ? Future.succeededFuture(cancelled.get())
            : refusal(job, "cancelled", "queued or running"))
        .onSuccess(cancelled -> {
          if (cancelled.state() == JobState.CANCELLED) {
            events.changed(cancelled, JobState.CANCELLED, null);
          } else {
            tellWorker(cancelled);
          }
        });
  }

  private void tellWorker(Job job) {
    if (job.leaseOwner() == null) {
      return;
    }
    bus.<JsonObject>request(BusAddresses.worker(job.leaseOwner()), new CancelJob(job.id(), job.attempts()).toJson(),
            new DeliveryOptions().setSendTimeout(CANCEL_REQUEST_TIMEOUT_MILLIS))
        .onSuccess(reply -> LOG.info("job={} worker={} is stopping it", job.id(), job.leaseOwner()))
        .onFailure(e -> LOG.info("job={} worker={} not told at once ({}); it stops at its next lease renewal",
            job.id(), job.leaseOwner(), e.getMessage()));
  }

  /** A {@link WrongStateException} naming the job's state as it is now. */
  private <T> Future<T> refusal(Job job, String action, String allowed) {
    return jobs.find(job.projectId(), job.id()).compose(now -> Future.failedFuture(new WrongStateException("job",
        job.id(), now.map(Job::state).orElse(job.state()), action, allowed)));
  }

  Future<Void> publish(Job job) {
    return publish(new QueuedJob(job.id(), job.projectId(), job.kind()));
  }

  Future<Void> publish(QueuedJob queued) {
    return redis.send(add(queued)).timeout(PUBLISH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).mapEmpty();
  }

  private static Request add(QueuedJob queued) {
    Request add = Request.cmd(Command.XADD).arg(queued.kind().streamKey()).arg("*");
    for (Map.Entry<String, String> field : queued.toStreamFields().entrySet()) {
      add.arg(field.getKey()).arg(field.getValue());
    }
    return add;
  }
}
