package io.atelier.contracts;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of work the mesh runs. Each kind has its own Redis stream and consumer group. */
public enum JobKind {
  TRANSCRIPTION("transcription", 3),
  /** Keywords, summary and chapters from a transcript. */
  ENRICHMENT("enrichment", 3),
  /** Media made from an asset (a waveform image). */
  RENDER("render", 3),
  /** Does nothing: measures the job engine itself and probes that a node's workers are alive. */
  NOOP("noop", 1);

  /** The most attempts a request may ask for. */
  public static final int MAX_ATTEMPTS_LIMIT = 20;

  private final String wireName;
  private final int defaultMaxAttempts;

  JobKind(String wireName, int defaultMaxAttempts) {
    this.wireName = wireName;
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

  /** The Redis stream that carries queued jobs of this kind. */
  public String streamKey() {
    return "atelier:jobs:" + wireName;
  }

  /** The consumer group that the workers of this kind share. */
  public String consumerGroup() {
    return wireName + "-workers";
  }

  public static Optional<JobKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
  }

  public static String wireNames() {
    return String.join(", ", Arrays.stream(values()).map(JobKind::wireName).toList());
  }
}
