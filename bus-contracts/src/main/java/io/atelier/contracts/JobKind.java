package io.atelier.contracts;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kinds of work the mesh runs. Each kind belongs to a queue: a Redis stream and consumer group whose workers run
 * every kind of that queue. Most kinds have a queue of their own; the render kinds share one, so that one render
 * worker's concurrency bounds the ffmpeg processes it runs, whatever their kinds.
 */
public enum JobKind {
  TRANSCRIPTION("transcription", "transcription", 3),
  /** Keywords, summary and chapters from a transcript. */
  ENRICHMENT("enrichment", "enrichment", 3),
  /** A waveform image of an asset's audio. */
  RENDER("render", "render", 3),
  /** A still image of an asset: a video frame, or the waveform of audio. */
  THUMBNAIL("thumbnail", "render", 3),
  /** Waveform data for web players, in audiowaveform's JSON and binary formats. */
  PEAKS("peaks", "render", 3),
  /** An asset in another format (MP3, Opus, AAC, WAV, MP4, WebM). */
  TRANSCODE("transcode", "render", 3),
  /** The transcript's subtitles burned into the video, or over a picture for audio. */
  SUBTITLED_VIDEO("subtitled-video", "render", 3),
  /** An animated waveform or spectrum with burned-in subtitles, for social media. */
  AUDIOGRAM("audiogram", "render", 3),
  /** One zip of the original, transcodes, thumbnail, subtitles, transcript, enrichment and peaks, with a manifest. */
  EXPORT_KIT("export-kit", "render", 3),
  /** Does nothing: measures the job engine itself and probes that a node's workers are alive. */
  NOOP("noop", "noop", 1);

  /** The most attempts a request may ask for. */
  public static final int MAX_ATTEMPTS_LIMIT = 20;

  private final String wireName;
  private final String queue;
  private final int defaultMaxAttempts;

  JobKind(String wireName, String queue, int defaultMaxAttempts) {
    this.wireName = wireName;
    this.queue = queue;
    this.defaultMaxAttempts = defaultMaxAttempts;
  }

  /** How many times a job of this kind runs before it fails for good, unless its request says otherwise. */
  public int defaultMaxAttempts() {
    return defaultMaxAttempts;
  }

  /** The name used in the REST API, in PostgreSQL and on the bus. */
  public String wireName() {
    return wireName;
  }

  /** The Redis stream that carries queued jobs of this kind (and of every kind sharing its queue). */
  public String streamKey() {
    return "atelier:jobs:" + queue;
  }

  /** The consumer group that the workers of this kind's queue share. */
  public String consumerGroup() {
    return queue + "-workers";
  }

  /** The kinds whose jobs travel in this kind's queue, this one included. */
  public List<JobKind> sharingQueue() {
    return Arrays.stream(values()).filter(k -> k.queue.equals(queue)).toList();
  }

  /**
   * Whether a job of this kind with these params works on a transcript: in a pipeline it then needs a transcription
   * step before it, unless {@code params.transcriptJobId} names one.
   */
  public boolean readsTranscript(JsonObject params) {
    return switch (this) {
      case ENRICHMENT, SUBTITLED_VIDEO, EXPORT_KIT -> true;
      case AUDIOGRAM -> !Boolean.FALSE.equals(params.getValue("subtitles"));
      default -> false;
    };
  }

  /** Whether this kind's jobs are media rendered by the render verticle. */
  public boolean isRender() {
    return queue.equals(RENDER.queue);
  }

  public static Optional<JobKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
  }

  public static String wireNames() {
    return String.join(", ", Arrays.stream(values()).map(JobKind::wireName).toList());
  }
}
