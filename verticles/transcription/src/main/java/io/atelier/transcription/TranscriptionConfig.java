package io.atelier.transcription;

import io.atelier.contracts.transcription.TranscriptionEngines;
import io.atelier.outbound.AddressBlock;
import io.atelier.outbound.AllowedNetworks;
import io.atelier.outbound.OutboundTargets;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The {@code transcription} section of the configuration.
 *
 * @param concurrency recogniser threads per node, shared by whole recordings and chunks of long ones (and the jobs
 *     a node's worker runs at once)
 * @param modelPath a Vosk model folder; empty to use the English model this module carries
 * @param workDirectory where downloaded media, decoded audio and the extracted model live
 * @param splitAboveSeconds recordings longer than this are split into chunks recognised in parallel
 * @param chunkSeconds the longest a chunk is meant to be (cuts move by up to 5 s to fall at a silence)
 * @param engine {@code vosk} (in-process) or {@code openai-compatible} (a server at {@link #remote})
 */
public record TranscriptionConfig(int concurrency, Duration lease, String ffmpegPath, String modelPath,
                                  String workDirectory, double splitAboveSeconds, double chunkSeconds, String engine,
                                  RemoteEngine remote) {

  public static final String VOSK = TranscriptionEngines.VOSK;
  public static final String OPENAI_COMPATIBLE = TranscriptionEngines.OPENAI_COMPATIBLE;

  /**
   * An OpenAI-compatible {@code /v1/audio/transcriptions} server.
   *
   * @param baseUrl the API's base, as OpenAI's SDKs take it ({@code https://api.openai.com/v1})
   * @param apiKey sent as {@code Authorization: Bearer}; from {@code ATELIER_TRANSCRIPTION_API_KEY}, not a file
   * @param attempts tries per chunk before the job is handed back as unavailable (to be retried later)
   * @param allowedNetworks blocks the engine may be at although they are inside a network (loopback, private, ...);
   *     empty by default, so that a base URL cannot make the mesh call into the network it runs in. An engine of
   *     one's own in that network is allowed by its block; a dev mesh and the tests run theirs on 127.0.0.1.
   */
  public record RemoteEngine(String baseUrl, String model, String apiKey, Duration timeout, int attempts,
                             Duration retryDelay, List<AddressBlock> allowedNetworks) {

    /** Refusals of the engine's URL are read by the operator, who gave it as {@code transcription.baseUrl}. */
    static final OutboundTargets.Wording WORDING = new OutboundTargets.Wording("transcription.baseUrl",
        "remote engines may only be called at public addresses unless transcription.allowedNetworks lists their "
            + "network",
        "https://api.openai.com/v1", "the engine's key goes in transcription.apiKey");

    public RemoteEngine {
      allowedNetworks = List.copyOf(allowedNetworks);
    }

    /** Where the engine may be called, its host resolved by {@code resolver} at each call. */
    OutboundTargets targets(OutboundTargets.Resolver resolver) {
      return new OutboundTargets(WORDING, allowedNetworks, resolver);
    }
  }

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
    if (!(chunkSeconds >= 5 && chunkSeconds <= 3600)) {
      throw new IllegalArgumentException("transcription.chunkSeconds must be 5..3600, was " + chunkSeconds);
    }
    if (!(splitAboveSeconds >= chunkSeconds)) {
      throw new IllegalArgumentException("transcription.splitAboveSeconds must be at least transcription.chunkSeconds ("
          + chunkSeconds + "), was " + splitAboveSeconds);
    }
    if (!VOSK.equals(engine) && !OPENAI_COMPATIBLE.equals(engine)) {
      throw new IllegalArgumentException("transcription.engine must be " + VOSK + " or " + OPENAI_COMPATIBLE + ", was "
          + engine);
    }
    if (OPENAI_COMPATIBLE.equals(engine)) {
      checkRemote(remote);
    }
  }

  private static void checkRemote(RemoteEngine remote) {
    URI uri;
    try {
      uri = URI.create(remote.baseUrl());
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("transcription.baseUrl must be the http(s) URL of an OpenAI-compatible API "
          + "(such as https://api.openai.com/v1), was '" + remote.baseUrl() + "'");
    }
    try {
      // Its host is only resolved at each call, off the event loop, and checked again there.
      remote.targets(OutboundTargets.SYSTEM_RESOLVER).checkUrl(remote.baseUrl());
    } catch (OutboundTargets.RefusedTarget refused) {
      throw new IllegalArgumentException(refused.reason(), refused);
    }
    if (remote.model() == null || remote.model().isBlank()) {
      throw new IllegalArgumentException("transcription.model is required with the openai-compatible engine");
    }
    if (remote.timeout().toMillis() < 100 || remote.attempts() < 1 || remote.attempts() > 10) {
      throw new IllegalArgumentException("transcription.requestTimeoutSeconds must be positive and "
          + "transcription.attempts 1..10");
    }
  }

  public static TranscriptionConfig from(JsonObject config) {
    JsonObject section = config.getJsonObject("transcription", new JsonObject());
    return new TranscriptionConfig(
        section.getInteger("concurrency", Runtime.getRuntime().availableProcessors()),
        Duration.ofSeconds(section.getInteger("leaseSeconds", 30)),
        section.getString("ffmpegPath", "ffmpeg"),
        section.getString("modelPath", ""),
        section.getString("workDirectory", System.getProperty("java.io.tmpdir") + "/atelier-transcription"),
        section.getNumber("splitAboveSeconds", 60).doubleValue(),
        section.getNumber("chunkSeconds", 30).doubleValue(),
        TranscriptionEngines.configured(config),
        new RemoteEngine(section.getString("baseUrl", ""), section.getString("model", "whisper-1"),
            section.getString("apiKey", ""),
            Duration.ofMillis((long) (section.getNumber("requestTimeoutSeconds", 300).doubleValue() * 1000)),
            section.getInteger("attempts", 3),
            Duration.ofMillis(section.getInteger("retryDelayMillis", 500)),
            AllowedNetworks.from(config, "transcription")));
  }
}
