package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Queue gauges per job kind, read from PostgreSQL (the truth) every few seconds: jobs queued and due, in flight,
 * waiting for a retry, and the age of the oldest due job. Run time and failures are recorded by the workers.
 */
public final class QueueMetrics {

  private record Snapshot(double due, double running, double retrying, double oldestDueSeconds) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Map<JobKind, AtomicReference<Snapshot>> snapshots = new EnumMap<>(JobKind.class);
  private long timer = -1;

  public QueueMetrics(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    MeterRegistry registry = registry();
    for (JobKind kind : JobKind.values()) {
      AtomicReference<Snapshot> snapshot = new AtomicReference<>(new Snapshot(0, 0, 0, 0));
      snapshots.put(kind, snapshot);
      gauge(registry, "atelier.jobs.queued", "Queued jobs that are due to run", kind, () -> snapshot.get().due());
      gauge(registry, "atelier.jobs.running", "Jobs being run (in flight)", kind, () -> snapshot.get().running());
      gauge(registry, "atelier.jobs.retrying", "Failed jobs waiting for their retry", kind, () -> snapshot.get().retrying());
      gauge(registry, "atelier.jobs.oldest.queued.seconds", "Age of the oldest due job", kind,
          () -> snapshot.get().oldestDueSeconds());
    }
  }

  private static void gauge(MeterRegistry registry, String name, String description, JobKind kind,
                            java.util.function.Supplier<Number> value) {
    Gauge.builder(name, value).description(description).tag("kind", kind.wireName()).register(registry);
  }

  public void start(long refreshMillis) {
    refresh();
    timer = vertx.setPeriodic(refreshMillis, t -> refresh());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  Future<Void> refresh() {
    return pool.query("""
            SELECT kind,
                   count(*) FILTER (WHERE state = 'queued' AND run_at <= now()) AS due,
                   count(*) FILTER (WHERE state = 'running') AS running,
                   count(*) FILTER (WHERE state = 'queued' AND run_at > now()) AS retrying,
                   coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE state = 'queued' AND run_at <= now())), 0)
                     AS oldest_due_seconds
            FROM jobs WHERE finished_at IS NULL GROUP BY kind""")
        .execute()
        .onSuccess(rows -> {
          snapshots.values().forEach(s -> s.set(new Snapshot(0, 0, 0, 0)));
          for (Row row : rows) {
            JobKind.fromWireName(row.getString("kind")).ifPresent(kind -> snapshots.get(kind).set(new Snapshot(
                row.getLong("due"), row.getLong("running"), row.getLong("retrying"),
                row.getNumeric("oldest_due_seconds").doubleValue())));
          }
        })
        .mapEmpty();
  }

  /** The node's Prometheus registry, or a private one when metrics are off (in some tests). */
  static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? registry : FALLBACK;
  }

  private static final MeterRegistry FALLBACK = new SimpleMeterRegistry();
}
