package io.atelier.media;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Whether a file is media the mesh takes, and what it is: its first bytes sniffed, then the file read by ffprobe.
 * What is refused gets a reason a person can act on. Blocking: run it on a worker thread.
 */
public final class MediaInspection {

  /** A file taken (its type and what ffprobe read), or refused with {@code refusal}. */
  public record Result(String contentType, MediaInfo media, String refusal) {

    public boolean refused() {
      return refusal != null;
    }
  }

  private final MediaSniffer sniffer = new MediaSniffer();
  private final MediaProbe probe;

  public MediaInspection(Duration probeTimeout) {
    this.probe = new MediaProbe(probeTimeout);
  }

  /**
   * Inspects a file from its first bytes ({@link MediaSniffer#HEAD_BYTES} suffice) and where ffprobe can read it
   * (a path or a URL, asked for only once the bytes pass). {@code typeRefusal} may refuse a sniffed type: a reason,
   * or null to take it.
   */
  public Result inspect(byte[] head, Supplier<String> input, Function<String, String> typeRefusal) throws IOException {
    var type = sniffer.sniff(head);
    if (type.isEmpty()) {
      return new Result(null, null, "the file's bytes are " + sniffer.describe(head)
          + ", not a supported media format (" + MediaSniffer.acceptedFormats() + ")");
    }
    String refusal = typeRefusal.apply(type.get());
    if (refusal != null) {
      return new Result(null, null, refusal);
    }
    try {
      return new Result(type.get(), probe.probe(input.get()), null);
    } catch (MediaProbe.UnreadableMediaException e) {
      return new Result(null, null, "the file looks like " + type.get() + " but " + e.getMessage());
    }
  }
}
