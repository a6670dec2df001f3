package io.atelier.enrichment;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The {@code enrichment} section of the configuration. */
public record EnrichmentConfig(int concurrency, Duration lease) {

  public EnrichmentConfig {
    if (concurrency < 1 || concurrency > 64) {
      throw new IllegalArgumentException("enrichment.concurrency must be 1..64, was " + concurrency);
    }
    if (lease.toSeconds() < 1) {
      throw new IllegalArgumentException("enrichment.leaseSeconds must be at least 1, was " + lease.toSeconds());
    }
  }

  public static EnrichmentConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("enrichment", new JsonObject());
    return new EnrichmentConfig(
        section.getInteger("concurrency", Math.max(1, Runtime.getRuntime().availableProcessors())),
        Duration.ofSeconds(section.getInteger("leaseSeconds", 30)));
  }
}
