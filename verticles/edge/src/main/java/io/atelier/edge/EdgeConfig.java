package io.atelier.edge;

import io.vertx.core.json.JsonObject;

/**
 * The {@code edge} section of the configuration.
 *
 * @param webDirectory a folder of built web pages the edge serves at {@code /app/} (same origin as the API and
 *     {@code /collab/}); empty for none
 * @param transcriptionWait how long {@code POST /v1/audio/transcriptions} waits for its job before answering that it
 *     is still running
 * @param bodyWait how long a request body other than an upload may take to arrive before the request is a {@code 408}
 */
public record EdgeConfig(String host, int port, long maxUploadBytes, String uploadsDirectory, String webDirectory,
                         java.time.Duration transcriptionWait, java.time.Duration bodyWait) {

  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 512L * 1024 * 1024;

  public EdgeConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("edge.host is required");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("edge.port must be 0..65535, was " + port);
    }
    if (maxUploadBytes < 1) {
      throw new IllegalArgumentException("edge.maxUploadBytes must be positive, was " + maxUploadBytes);
    }
    if (webDirectory == null) {
      webDirectory = "";
    }
    if (transcriptionWait.toMillis() < 1) {
      throw new IllegalArgumentException("edge.transcriptionWaitSeconds must be positive");
    }
    if (bodyWait.toMillis() < 100 || bodyWait.toSeconds() > 3600) {
      throw new IllegalArgumentException("edge.bodyWaitSeconds must be 0.1 to 3600");
    }
    if (uploadsDirectory == null || uploadsDirectory.isBlank()) {
      throw new IllegalArgumentException("edge.uploadsDirectory is required");
    }
  }

  public static EdgeConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("edge", new JsonObject());
    return new EdgeConfig(
        section.getString("host", "0.0.0.0"),
        section.getInteger("port", DEFAULT_PORT),
        section.getLong("maxUploadBytes", DEFAULT_MAX_UPLOAD_BYTES),
        section.getString("uploadsDirectory", System.getProperty("java.io.tmpdir") + "/atelier-uploads"),
        section.getString("webDirectory", ""),
        java.time.Duration.ofMillis((long) (section.getNumber("transcriptionWaitSeconds", 300).doubleValue() * 1000)),
        java.time.Duration.ofMillis((long) (section.getNumber("bodyWaitSeconds", 10).doubleValue() * 1000)));
  }
}
