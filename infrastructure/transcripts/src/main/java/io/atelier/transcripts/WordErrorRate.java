package io.atelier.transcripts;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Word error rate: word-level edit distance (substitutions, deletions, insertions) over the reference's length. */
public final class WordErrorRate {

  private WordErrorRate() {
  }

  public static List<String> words(String text) {
    String normalised = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9' ]", " ").trim();
    return normalised.isEmpty() ? List.of() : Arrays.asList(normalised.split("\\s+"));
  }

  /** The number of word edits that turn {@code hypothesis} into {@code reference}. */
  public static int errors(List<String> reference, List<String> hypothesis) {
    int[] previous = new int[hypothesis.size() + 1];
    int[] current = new int[hypothesis.size() + 1];
    for (int j = 0; j <= hypothesis.size(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= reference.size(); i++) {
      current[0] = i;
      for (int j = 1; j <= hypothesis.size(); j++) {
        int substitution = previous[j - 1] + (reference.get(i - 1).equals(hypothesis.get(j - 1)) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[hypothesis.size()];
  }
}
