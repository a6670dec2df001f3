package io.atelier.upload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.concurrent.atomic.AtomicInteger;

/** What the upload verticle reports on {@code /metrics}: PATCHes receiving, bytes received, outcomes. */
final class UploadMetrics {

  private final AtomicInteger receiving = new AtomicInteger();
  private final Counter bytes;
  private final Counter completed;
  private final Counter refused;

  UploadMetrics() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      registry = new SimpleMeterRegistry();
    }
    Gauge.builder("atelier.uploads.in.flight", receiving, AtomicInteger::get)
        .description("PATCHes (and creations with a body) receiving bytes on this node").strongReference(true)
        .register(registry);
    bytes = Counter.builder("atelier.uploads.received.bytes").baseUnit("bytes")
        .description("Bytes of resumable uploads received and stored on this node").register(registry);
    completed = Counter.builder("atelier.uploads.completed").description("Uploads that became assets on this node")
        .register(registry);
    refused = Counter.builder("atelier.uploads.refused")
        .description("Uploads whose bytes were refused as not media on this node").register(registry);
  }

  void started() {
    receiving.incrementAndGet();
  }

  void ended(long bodyBytes) {
    receiving.decrementAndGet();
    bytes.increment(bodyBytes);
  }

  void completed() {
    completed.increment();
  }

  void refused() {
    refused.increment();
  }
}
