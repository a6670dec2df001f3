package io.atelier.render;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The {@code render} section of the configuration.
 *
 * @param concurrency render jobs (so ffmpeg processes) run at once, whatever their kinds
 * @param workDirectory where downloaded media and rendered files live while a job runs
 * @param keepWorkFolders leave each attempt's folder (its input, its files, the ffmpeg command lines it ran in
 *     {@code commands.jsonl}) instead of removing it: for finding out what ffmpeg was given, and for bench/render,
 *     which runs the same command lines bare; never in production, where the folders would fill the disk
 */
public record RenderConfig(int concurrency, Duration lease, String ffmpegPath, String workDirectory,
                           Timeouts timeouts, boolean keepWorkFolders) {

  /**
   * How long one ffmpeg run may take before it is killed as hung: {@code minimum} plus {@code perInputSecond} for
   * every second of input, so a long recording gets longer.
   */
  public record Timeouts(Duration minimum, double perInputSecond) {

    public Timeouts {
      if (minimum.toMillis() < 1) {
        throw new IllegalArgumentException("render.timeoutSeconds must be positive, was " + minimum);
      }
      if (!(perInputSecond >= 0 && perInputSecond <= 1000)) {
        throw new IllegalArgumentException("render.timeoutPerInputSecond must be from 0 to 1000, was "
            + perInputSecond);
      }
    }

    Duration forInput(double inputSeconds) {
      return minimum.plusMillis(Math.round(Math.max(0, inputSeconds) * perInputSecond * 1000));
    }
  }

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
        section.getString("workDirectory", System.getProperty("java.io.tmpdir") + "/atelier-render"),
        new Timeouts(Duration.ofMillis(Math.round(section.getDouble("timeoutSeconds", 60.0) * 1000)),
            section.getDouble("timeoutPerInputSecond", 10.0)),
        section.getBoolean("keepWorkFolders", false));
  }
}
