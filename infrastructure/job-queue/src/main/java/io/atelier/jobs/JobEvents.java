package io.atelier.jobs;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobEvent;
import io.atelier.contracts.JobState;
import io.atelier.correlation.BusRequestIds;
import io.vertx.core.eventbus.EventBus;
import java.time.Instant;

/**
 * The one publisher of job events on the bus ({@link BusAddresses#JOB_EVENTS}): every site that changes a job's
 * state calls it once the change has committed, so that any node's listeners hear of it at once. A listener reads
 * the job's event log in PostgreSQL; the bus only tells it that the log has grown, so an event lost here delays a
 * listener until its safety poll, and loses nothing.
 *
 * <p>An event says which request its job works for (its own id, or none), not the publishing context's: the events
 * of many jobs are published together from one batch's context.
 */
public final class JobEvents {

  private final EventBus bus;

  public JobEvents(EventBus bus) {
    this.bus = bus;
  }

  /** The job moved to {@code state}; {@code error} says why when it failed (or will be retried). */
  public void changed(Job job, JobState state, String error) {
    bus.publish(BusAddresses.JOB_EVENTS, new JobEvent(job.id(), job.projectId(), job.kind(), state, error, null,
        Instant.now(), job.pipelineId()).toJson(), BusRequestIds.forRequest(job.requestId()));
  }

  /** The running job reported how far it has come. */
  void progressed(Job job, double fraction) {
    bus.publish(BusAddresses.JOB_EVENTS, new JobEvent(job.id(), job.projectId(), job.kind(), JobState.RUNNING, null,
        fraction, Instant.now(), job.pipelineId()).toJson(), BusRequestIds.forRequest(job.requestId()));
  }
}
