package io.atelier.render;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The {@code render} section of the configuration.
 *
 * @param workDirectory where downloaded media and rendered files live while a job runs
 */
public record RenderConfig(int concurrency, Duration lease, String ffmpegPath, String workDirectory) {

  public RenderConfig {
    if (concurrency < 1 || concurrency > 64) {
      throw new IllegalArgumentException("render.concurrency must be 1..64, was " + concurrency);
    }
    if (lease.toSeconds() < 1) {
      throw new IllegalArgumentException("render.leaseSeconds must be at least 1, was " + lease.toSeconds());
    }
    if (ffmpegPath == null || ffmpegPath.isBlank()) {
      throw new IllegalArgumentException("render.ffmpegPath is required");
    }
    if (workDirectory == null || workDirectory.isBlank()) {
      throw new IllegalArgumentException("render.workDirectory is required");
    }
  }

  public static RenderConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("render", new JsonObject());
    return new RenderConfig(
        section.getInteger("concurrency", Math.max(1, Runtime.getRuntime().availableProcessors() / 2)),
        Duration.ofSeconds(section.getInteger("leaseSeconds", 30)),
        section.getString("ffmpegPath", "ffmpeg"),
        section.getString("workDirectory", System.getProperty("java.io.tmpdir") + "/atelier-render"));
  }
}
