package io.atelier.transcripts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An edited transcript's words with times: a word the edit kept keeps the time it was recognised at; words the edit
 * brought share the time of the words they replaced, or the pause they were put into. So subtitles of an edited
 * transcript stay where the speech is.
 */
public final class TranscriptEdits {

  /** Confidence of a word a person typed. */
  static final double TYPED = 1.0;

  private TranscriptEdits() {
  }

  /** The words of {@code editedText} with times taken from {@code recognised} ({@code duration}: the recording's). */
  public static List<TimedWord> retime(List<TimedWord> recognised, String editedText, double duration) {
    List<String> edited = Arrays.stream(editedText.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    int[] match = WordAlignment.match(recognised.stream().map(w -> key(w.word())).toList(),
        edited.stream().map(TranscriptEdits::key).toList());
    List<TimedWord> words = new ArrayList<>(edited.size());
    int i = 0;
    while (i < edited.size()) {
      if (match[i] >= 0) {
        TimedWord original = recognised.get(match[i]);
        words.add(new TimedWord(edited.get(i), original.start(), original.end(), original.confidence()));
        i++;
        continue;
      }
      int end = i;
      while (end < edited.size() && match[end] < 0) {
        end++;
      }
      // The originals between the matched neighbours are what the new words replaced (none: an insertion).
      int before = i > 0 ? match[i - 1] : -1;
      int after = end < edited.size() ? match[end] : recognised.size();
      double from;
      double to;
      if (after - before > 1) {
        from = recognised.get(before + 1).start();
        to = recognised.get(after - 1).end();
      } else {
        from = before >= 0 ? recognised.get(before).end() : 0;
        to = after < recognised.size() ? recognised.get(after).start() : Math.max(from, duration);
      }
      to = Math.max(from, to);
      double step = (to - from) / (end - i);
      for (int j = i; j < end; j++) {
        double start = from + step * (j - i);
        words.add(new TimedWord(edited.get(j), round(start), round(Math.max(start, start + step)), TYPED));
      }
      i = end;
    }
    return words;
  }

  /** What makes two spellings the same word: case and surrounding punctuation aside. */
  static String key(String word) {
    return word.toLowerCase(Locale.ROOT).replaceAll("^[\\p{Punct}“”‘’«»]+|[\\p{Punct}“”‘’«»]+$", "");
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
