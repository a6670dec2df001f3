package io.atelier.collab;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** What the collab verticle reports on {@code /metrics}: connections, open documents, updates, commits, compactions. */
final class CollabMetrics {

  private final Counter updates;
  private final Counter updateBytes;
  private final Counter relayed;
  private final Counter catchUps;
  private final Counter compactions;
  private final Timer compactionMerge;
  private final Counter refused;
  private final Timer commit;
  private final DistributionSummary batch;

  CollabMetrics(Supplier<Number> connections, Supplier<Number> documents) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      registry = new SimpleMeterRegistry();
    }
    Gauge.builder("atelier.collab.connections", connections).description("Open collaboration sockets")
        .strongReference(true).register(registry);
    Gauge.builder("atelier.collab.documents.open", documents).description("Documents open on this node")
        .strongReference(true).register(registry);
    updates = Counter.builder("atelier.collab.updates").description("Updates committed from this node's clients")
        .register(registry);
    updateBytes = Counter.builder("atelier.collab.update.bytes").baseUnit("bytes")
        .description("Bytes of updates committed from this node's clients").register(registry);
    relayed = Counter.builder("atelier.collab.relays.received").description("Updates relayed from other nodes")
        .register(registry);
    catchUps = Counter.builder("atelier.collab.catchups").description("Reads of a log to fill a gap in the relays")
        .register(registry);
    compactions = Counter.builder("atelier.collab.compactions").description("Logs merged into one row")
        .register(registry);
    compactionMerge = Timer.builder("atelier.collab.compaction.merge")
        .description("Time to merge a log's rows into one, on a worker thread").register(registry);
    refused = Counter.builder("atelier.collab.sockets.closed.refused")
        .description("Sockets closed for bad input, a limit or a refused permission").register(registry);
    commit = Timer.builder("atelier.collab.commit").description("Time to commit one batch of updates")
        .publishPercentiles(0.5, 0.99).register(registry);
    // Bounded by the largest batch: the node publishes histograms of every distribution, and one with no bound has
    // buckets up to 2^62 (some 270 series of one meter).
    batch = DistributionSummary.builder("atelier.collab.commit.batch").description("Updates per commit")
        .minimumExpectedValue(1.0).maximumExpectedValue((double) UpdateLog.MAX_BATCH).register(registry);
  }

  void committed(int updatesInBatch, long nanos) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
    batch.record(updatesInBatch);
  }

  void update(int bytes) {
    updates.increment();
    updateBytes.increment(bytes);
  }

  void relayed() {
    relayed.increment();
  }

  void caughtUp() {
    catchUps.increment();
  }

  void compacted(long mergeNanos) {
    compactions.increment();
    compactionMerge.record(mergeNanos, TimeUnit.NANOSECONDS);
  }

  void refused() {
    refused.increment();
  }
}
