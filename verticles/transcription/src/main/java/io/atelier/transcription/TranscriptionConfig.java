package io.atelier.transcription;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The {@code transcription} section of the configuration.
 *
 * @param modelPath a Vosk model folder; empty to use the English model this module carries
 * @param workDirectory where downloaded media and the extracted model live
 */
public record TranscriptionConfig(int concurrency, Duration lease, String ffmpegPath, String modelPath,
                                  String workDirectory) {

  public TranscriptionConfig {
    if (concurrency < 1 || concurrency > 64) {
      throw new IllegalArgumentException("transcription.concurrency must be 1..64, was " + concurrency);
    }
    if (lease.toSeconds() < 1) {
      throw new IllegalArgumentException("transcription.leaseSeconds must be at least 1, was " + lease.toSeconds());
    }
    if (ffmpegPath == null || ffmpegPath.isBlank()) {
      throw new IllegalArgumentException("transcription.ffmpegPath is required");
    }
    if (workDirectory == null || workDirectory.isBlank()) {
      throw new IllegalArgumentException("transcription.workDirectory is required");
    }
  }

  public static TranscriptionConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("transcription", new JsonObject());
    return new TranscriptionConfig(
        section.getInteger("concurrency", Math.max(1, Runtime.getRuntime().availableProcessors() / 2)),
        Duration.ofSeconds(section.getInteger("leaseSeconds", 30)),
        section.getString("ffmpegPath", "ffmpeg"),
        section.getString("modelPath", ""),
        section.getString("workDirectory", System.getProperty("java.io.tmpdir") + "/atelier-transcription"));
  }
}
