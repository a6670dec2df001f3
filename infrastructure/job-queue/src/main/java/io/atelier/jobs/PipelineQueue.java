package io.atelier.jobs;

import io.atelier.contracts.JobState;
import io.atelier.contracts.QueuedJob;
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

  public PipelineQueue(JobRepository jobs, PipelineRepository pipelines, JobQueue queue) {
    this.jobs = jobs;
    this.pipelines = pipelines;
    this.queue = queue;
  }

  /** A pipeline as submitted; {@code replayed} when an idempotency key returned the pipeline an earlier request made. */
  public record Submitted(Pipeline pipeline, boolean replayed) {
  }

  /** A pipeline is not in a state that allows what was asked. */
  public static final class PipelineStateException extends RuntimeException {
    private final transient Pipeline pipeline;

    PipelineStateException(Pipeline pipeline, String action, String allowed) {
      super("pipeline " + pipeline.id() + " is " + pipeline.state().wireName() + "; only " + allowed
          + " pipelines can be " + action);
      this.pipeline = pipeline;
    }

    public Pipeline pipeline() {
      return pipeline;
    }
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
    byte[] hash = submission.idempotencyKey() == null ? null : submission.requestHash();
    return jobs.pool().withTransaction(tx -> {
          Future<Optional<JobRepository.KeyedJob>> claimed = hash == null
              ? Future.succeededFuture(Optional.empty())
              : JobRepository.claimKey(tx, submission.projectId(), submission.idempotencyKey(), hash, firstJobId);
          return claimed.compose(existing -> existing.isPresent()
              ? Future.succeededFuture(existing)
              : PipelineRepository.insert(tx, pipelineId, firstJobId, submission).map(existing));
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
              .map(found -> new Submitted(found.orElseThrow(), false));
        });
  }

  /** Cancels the pipeline's current step: at once when queued, at its worker's next lease renewal when running. */
  public Future<Pipeline> cancel(Pipeline pipeline) {
    if (pipeline.state().isTerminal()) {
      return Future.failedFuture(new PipelineStateException(pipeline, "cancelled", "queued or running"));
    }
    return jobs.requestCancel(pipeline.projectId(), pipeline.currentJob().id())
        .compose(ignored -> reload(pipeline));
  }

  /**
   * Runs a failed or cancelled pipeline again from its current step, with a fresh round of that step's attempts;
   * the steps that succeeded are kept, not run again.
   */
  public Future<Pipeline> resume(Pipeline pipeline) {
    if (pipeline.state() != JobState.FAILED && pipeline.state() != JobState.CANCELLED) {
      return Future.failedFuture(new PipelineStateException(pipeline, "resumed", "failed or cancelled"));
    }
    Job step = pipeline.currentJob();
    int attempts = pipeline.steps().getJsonObject(pipeline.currentStep()).getInteger("maxAttempts");
    return jobs.requeue(pipeline.projectId(), step.id(), attempts)
        .compose(requeued -> requeued.isEmpty()
            // Someone else resumed it (or cancelled it) a moment ago: say what it is now.
            ? reload(pipeline).compose(now -> Future.failedFuture(
                new PipelineStateException(now, "resumed", "failed or cancelled")))
            : publish(new QueuedJob(step.id(), pipeline.projectId(), step.kind())).compose(ignored -> reload(pipeline)));
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
