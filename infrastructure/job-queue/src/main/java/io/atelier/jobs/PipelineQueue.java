package io.atelier.jobs;

import io.atelier.contracts.JobState;
import io.atelier.contracts.QueuedJob;
import io.atelier.correlation.RequestIds;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits, cancels and resumes pipelines. The pipeline row and its first step's job commit together, then the job is
 * added to its kind's stream; later steps are queued by PostgreSQL as each step succeeds.
 */
public final class PipelineQueue {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineQueue.class);

  private final JobRepository jobs;
  private final PipelineRepository pipelines;
  private final JobQueue queue;
  private final JobEvents events;

  public PipelineQueue(JobRepository jobs, PipelineRepository pipelines, JobQueue queue, JobEvents events) {
    this.jobs = jobs;
    this.pipelines = pipelines;
    this.queue = queue;
    this.events = events;
  }

  /** A pipeline as submitted; {@code replayed} when an idempotency key returned the pipeline an earlier request made. */
  public record Submitted(Pipeline pipeline, boolean replayed) {
  }

  /**
   * Submits a pipeline. With an idempotency key, a repeated request returns the first one's pipeline, and the key
   * reused with a different request fails with {@link IdempotencyConflictException}. Keys live in PostgreSQL (the
   * truth, committed with the pipeline) and are cached in Redis for a day, as jobs' keys are.
   */
  public Future<Submitted> submit(PipelineSubmission submission) {
    if (submission.idempotencyKey() == null) {
      return submitOnce(submission);
    }
    return queue.keyed(submission.projectId(), submission.idempotencyKey(), submission.requestHash(),
        firstJobId -> pipelines.findByFirstJob(submission.projectId(), firstJobId)
            .map(found -> found.map(p -> new Submitted(p, true))),
        () -> submitOnce(submission),
        submitted -> submitted.pipeline().jobs().get(0).id());
  }

  private Future<Submitted> submitOnce(PipelineSubmission submission) {
    UUID pipelineId = UUID.randomUUID();
    UUID firstJobId = JobQueue.newJobId();
    // Its steps' jobs work for the request that submitted the pipeline, however much later they are queued.
    String requestId = RequestIds.current();
    byte[] hash = submission.idempotencyKey() == null ? null : submission.requestHash();
    return jobs.pool().withTransaction(tx -> {
          Future<Optional<JobRepository.KeyedJob>> claimed = hash == null
              ? Future.succeededFuture(Optional.empty())
              : JobRepository.claimKey(tx, submission.projectId(), submission.idempotencyKey(), hash, firstJobId);
          return claimed.compose(existing -> existing.isPresent()
              ? Future.succeededFuture(existing)
              : PipelineRepository.insert(tx, pipelineId, firstJobId, submission, requestId).map(existing));
        })
        .compose(existing -> {
          if (existing.isPresent()) {
            if (!java.util.Arrays.equals(hash, existing.get().requestHash())) {
              return Future.failedFuture(new IdempotencyConflictException(submission.idempotencyKey()));
            }
            return pipelines.findByFirstJob(submission.projectId(), existing.get().jobId())
                .map(found -> new Submitted(found.orElseThrow(() -> new IllegalStateException(
                    "idempotency key names job " + existing.get().jobId() + ", which starts no pipeline")), true));
          }
          return publish(new QueuedJob(firstJobId, submission.projectId(), submission.steps().get(0).kind()))
              .compose(ignored -> pipelines.find(submission.projectId(), pipelineId))
              .map(found -> new Submitted(found.orElseThrow(), false))
              .onSuccess(submitted -> {
                LOG.info("pipeline={} queued with {} steps; first job={}", pipelineId, submission.steps().size(),
                    firstJobId);
                events.changed(submitted.pipeline().jobs().get(0), JobState.QUEUED, null);
              });
        });
  }

  /** Cancels the pipeline's current step: at once when queued; when running, its worker is told to stop it. */
  public Future<Pipeline> cancel(Pipeline pipeline) {
    if (pipeline.state().isTerminal()) {
      return Future.failedFuture(refusal(pipeline, "cancelled", "queued or running"));
    }
    return queue.cancel(pipeline.currentJob())
        // The step finished a moment ago: what matters is the pipeline's state now.
        .recover(e -> e instanceof WrongStateException ? Future.succeededFuture() : Future.failedFuture(e))
        .compose(ignored -> reload(pipeline));
  }

  /**
   * Runs a failed or cancelled pipeline again from its current step, with a fresh round of that step's attempts;
   * the steps that succeeded are kept, not run again.
   */
  public Future<Pipeline> resume(Pipeline pipeline) {
    if (pipeline.state() != JobState.FAILED && pipeline.state() != JobState.CANCELLED) {
      return Future.failedFuture(refusal(pipeline, "resumed", "failed or cancelled"));
    }
    int attempts = pipeline.steps().getJsonObject(pipeline.currentStep()).getInteger("maxAttempts");
    return queue.requeue(pipeline.currentJob(), attempts, "resumed")
        // Someone else resumed it (or cancelled it) a moment ago: say what it is now.
        .recover(e -> e instanceof WrongStateException
            ? reload(pipeline).compose(now -> Future.failedFuture(refusal(now, "resumed", "failed or cancelled")))
            : Future.failedFuture(e))
        .compose(ignored -> reload(pipeline));
  }

  private static WrongStateException refusal(Pipeline pipeline, String action, String allowed) {
    return new WrongStateException("pipeline", pipeline.id(), pipeline.state(), action, allowed);
  }

  private Future<Pipeline> reload(Pipeline pipeline) {
    return pipelines.find(pipeline.projectId(), pipeline.id()).map(Optional::orElseThrow);
  }

  private Future<Void> publish(QueuedJob job) {
    // The job is committed: a lost stream entry delays it, it does not lose it (the sweeper re-publishes).
    return queue.publish(job).recover(e -> {
      LOG.warn("job={} kind={} committed but not published to Redis: {}", job.jobId(), job.kind().wireName(),
          e.getMessage());
      return Future.succeededFuture();
    });
  }
}
