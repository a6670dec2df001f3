package io.atelier.transcripts;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A transcript's segments: stretches of speech between pauses, each with its words. One rule for every engine and
 * for edited transcripts alike (their words are re-timed by {@link WordAlignment}): a segment ends at a pause of
 * {@value #PAUSE_SECONDS} s or more, or before it would last longer than {@value #MAX_SECONDS} s (the window Whisper
 * segments within). Subtitle cues never span two segments.
 */
public final class TranscriptSegments {

  static final double PAUSE_SECONDS = 1.0;
  static final double MAX_SECONDS = 30.0;

  /** One segment: its words, in order, and the times of its first word's start and last word's end. */
  public record Segment(int id, double start, double end, List<TimedWord> words) {

    public Segment {
      words = List.copyOf(words);
      if (words.isEmpty()) {
        throw new IllegalArgumentException("a segment has words");
      }
    }

    public String text() {
      return words.stream().map(TimedWord::word).collect(Collectors.joining(" "));
    }
  }

  private TranscriptSegments() {
  }

  public static List<Segment> of(List<TimedWord> words) {
    List<Segment> segments = new ArrayList<>();
    List<TimedWord> current = new ArrayList<>();
    for (TimedWord word : words) {
      if (!current.isEmpty() && endsBefore(current, word)) {
        segments.add(segment(segments.size(), current));
        current = new ArrayList<>();
      }
      current.add(word);
    }
    if (!current.isEmpty()) {
      segments.add(segment(segments.size(), current));
    }
    return segments;
  }

  private static boolean endsBefore(List<TimedWord> segment, TimedWord next) {
    // In whole milliseconds, as the subtitle writer compares: timings are millisecond values.
    long pause = Math.round(next.start() * 1000) - Math.round(segment.get(segment.size() - 1).end() * 1000);
    long length = Math.round(next.end() * 1000) - Math.round(segment.get(0).start() * 1000);
    return pause >= Math.round(PAUSE_SECONDS * 1000) || length > Math.round(MAX_SECONDS * 1000);
  }

  private static Segment segment(int id, List<TimedWord> words) {
    return new Segment(id, words.get(0).start(), words.get(words.size() - 1).end(), words);
  }
}
