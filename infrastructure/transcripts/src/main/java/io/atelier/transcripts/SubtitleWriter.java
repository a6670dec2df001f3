package io.atelier.transcripts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Groups timed words into subtitle cues and writes them as SubRip (SRT) or WebVTT. A cue ends with its segment (which
 * ends at a pause), when it would exceed two lines of {@value #MAX_LINE} characters, or after
 * {@value #MAX_CUE_SECONDS} seconds.
 */
public final class SubtitleWriter {

  static final int MAX_LINE = 42;
  static final double MAX_CUE_SECONDS = 7.0;

  /** One subtitle: shown from {@code start} to {@code end} seconds, one or two lines. */
  public record Cue(double start, double end, List<String> lines) {
  }

  private SubtitleWriter() {
  }

  /**
   * The words grouped into cues, as every subtitle format the mesh writes shows them: each of the transcript's
   * {@link TranscriptSegments segments} is cut into cues of its own.
   */
  public static List<Cue> cues(List<TimedWord> words) {
    // A word of nothing but line breaks or control characters shows nothing: it is in no cue.
    List<TimedWord> shown = words.stream().filter(word -> !cueText(word.word()).isEmpty()).toList();
    List<Cue> cues = new ArrayList<>();
    for (TranscriptSegments.Segment segment : TranscriptSegments.of(shown)) {
      cues.addAll(cuesOf(segment.words()));
    }
    return cues;
  }

  private static List<Cue> cuesOf(List<TimedWord> words) {
    List<Cue> cues = new ArrayList<>();
    List<TimedWord> current = new ArrayList<>();
    for (TimedWord word : words) {
      if (!current.isEmpty() && mustBreakBefore(current, word)) {
        cues.add(toCue(current));
        current = new ArrayList<>();
      }
      current.add(word);
    }
    if (!current.isEmpty()) {
      cues.add(toCue(current));
    }
    return cues;
  }

  private static boolean mustBreakBefore(List<TimedWord> cue, TimedWord next) {
    // Compared in whole milliseconds: timings are millisecond values, and 1.001 - 0.001 is not 1.0 in binary.
    if (millis(next.end()) - millis(cue.get(0).start()) > millis(MAX_CUE_SECONDS)) {
      return true;
    }
    List<TimedWord> extended = new ArrayList<>(cue);
    extended.add(next);
    return wrap(extended).size() > 2;
  }

  private static Cue toCue(List<TimedWord> words) {
    return new Cue(words.get(0).start(), words.get(words.size() - 1).end(), wrap(words));
  }

  /** Greedy line wrapping at {@link #MAX_LINE}; a single longer word gets a line of its own. */
  private static List<String> wrap(List<TimedWord> words) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (TimedWord timed : words) {
      String word = cueText(timed.word());
      if (line.length() > 0 && line.length() + 1 + word.length() > MAX_LINE) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  public static String srt(List<TimedWord> words) {
    StringBuilder out = new StringBuilder();
    int index = 1;
    for (Cue cue : cues(words)) {
      out.append(index++).append('\n')
          .append(timestamp(cue.start(), ',')).append(" --> ").append(timestamp(cue.end(), ',')).append('\n');
      cue.lines().forEach(l -> out.append(l).append('\n'));
      out.append('\n');
    }
    return out.toString();
  }

  public static String vtt(List<TimedWord> words) {
    StringBuilder out = new StringBuilder("WEBVTT\n\n");
    for (Cue cue : cues(words)) {
      out.append(timestamp(cue.start(), '.')).append(" --> ").append(timestamp(cue.end(), '.')).append('\n');
      cue.lines().forEach(l -> out.append(escapeVtt(l)).append('\n'));
      out.append('\n');
    }
    return out.toString();
  }

  /**
   * A word as a cue shows it: an edited transcript's word may hold line breaks, tabs or control characters, which
   * would end the cue early or be taken for its end; they become single spaces. SRT has no escapes, so an arrow that
   * a reader could take for a timing line is shortened.
   */
  static String cueText(String word) {
    return CONTROL_OR_SPACE.matcher(word).replaceAll(" ").strip().replaceAll("-{2,}>", "->");
  }

  private static final Pattern CONTROL_OR_SPACE = Pattern.compile("[\\p{Cntrl}\\p{Z}\\s\\u2028\\u2029\\u0085]+");

  /** WebVTT cue text is markup: '&', '<' and '>' are escaped (which also keeps "-->" out of the text). */
  static String escapeVtt(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static long millis(double seconds) {
    return Math.round(seconds * 1000);
  }

  static String timestamp(double seconds, char millisSeparator) {
    long millis = millis(seconds);
    return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", millis / 3_600_000, (millis / 60_000) % 60,
        (millis / 1000) % 60, millisSeparator, millis % 1000);
  }
}
