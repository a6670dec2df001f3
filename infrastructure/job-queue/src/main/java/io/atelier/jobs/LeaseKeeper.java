package io.atelier.jobs;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of a worker's running jobs every third of the lease, in one statement for them all, and keeps
 * their stream entries claimed. The renewal also reads each job's cancellation flag: a job whose cancellation was
 * requested is told to stop (the fallback when the request over the bus did not reach the worker), and a job whose
 * attempt is no longer current has been taken over elsewhere (this worker was cut off past its lease): its result
 * will be refused.
 */
final class LeaseKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  /** A running job as the lease keeper sees it. */
  interface Held {
    Job job();

    String entryId();

    JobControl control();

    /** Whether it still runs here (it may have ended while the renewal was on its way). */
    boolean stillRunning();
  }

  private final Vertx vertx;
  private final WorkerContext context;
  private final JobRepository jobs;
  private final JobStream stream;
  private final Duration lease;
  private final String workerName;
  private final Supplier<Collection<? extends Held>> running;
  private long timer = -1;

  LeaseKeeper(Vertx vertx, WorkerContext context, JobRepository jobs, JobStream stream, Duration lease,
              String workerName, Supplier<Collection<? extends Held>> running) {
    this.vertx = vertx;
    this.context = context;
    this.jobs = jobs;
    this.stream = stream;
    this.lease = lease;
    this.workerName = workerName;
    this.running = running;
  }

  void start() {
    timer = vertx.setPeriodic(Math.max(250, lease.toMillis() / 3), t -> renew());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void renew() {
    List<Held> snapshot = List.copyOf(running.get());
    if (snapshot.isEmpty()) {
      return;
    }
    stream.keepClaimed(snapshot.stream().map(Held::entryId).toList())
        .onFailure(e -> LOG.warn("worker={} could not renew the leases of {} entries: {}", workerName,
            snapshot.size(), e.toString()));
    context.on(jobs.renewLeases(snapshot.stream()
            .map(h -> new JobRepository.Attempt(h.job().id(), h.job().attempts())).toList(), lease))
        .onSuccess(held -> tell(snapshot, held))
        .onFailure(e -> LOG.warn("worker={} could not renew the leases of {} jobs: {}", workerName, snapshot.size(),
            e.toString()));
  }

  private void tell(List<Held> snapshot, Map<UUID, Boolean> held) {
    for (Held h : snapshot) {
      Boolean cancelRequested = held.get(h.job().id());
      if (cancelRequested == null) {
        if (h.stillRunning()) {
          LOG.warn("worker={} job={} attempt={} lost its lease to another worker; its result will be refused",
              workerName, h.job().id(), h.job().attempts());
        }
      } else if (cancelRequested && !h.control().isCancelRequested()) {
        LOG.info("worker={} job={} cancellation requested; stopping", workerName, h.job().id());
        h.control().requestCancel();
      }
    }
  }
}
