package io.atelier.enrichment;

import java.util.ArrayList;
import java.util.List;

/** Recognised speech has no punctuation, so sentences end where the speaker pauses, or when they grow too long. */
final class SentenceSplitter {

  static final double PAUSE_SECONDS = 0.6;
  static final int MAX_WORDS = 40;
  /** Recogniser times are decimals: 2.21 - 1.61 comes out a hair under 0.6 in binary and must still count. */
  static final double TIME_TOLERANCE = 1e-9;

  private SentenceSplitter() {
  }

  static List<Sentence> split(List<SpokenWord> words) {
    List<Sentence> sentences = new ArrayList<>();
    List<SpokenWord> current = new ArrayList<>();
    for (SpokenWord word : words) {
      if (!current.isEmpty() && pauseBefore(word, current.get(current.size() - 1))) {
        sentences.add(new Sentence(current));
        current.clear();
      }
      current.add(word);
      if (current.size() == MAX_WORDS) {
        sentences.add(new Sentence(current));
        current.clear();
      }
    }
    if (!current.isEmpty()) {
      sentences.add(new Sentence(current));
    }
    return sentences;
  }

  static boolean isAtLeast(double seconds, double threshold) {
    return seconds >= threshold - TIME_TOLERANCE;
  }

  private static boolean pauseBefore(SpokenWord word, SpokenWord previous) {
    return isAtLeast(word.start() - previous.end(), PAUSE_SECONDS);
  }
}
