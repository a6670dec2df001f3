package io.atelier.enrichment;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Summarises by quoting: the sentences richest in keywords, in the order they were spoken. Dividing by the square
 * root of the length keeps long sentences from winning merely by being long.
 */
final class ExtractiveSummarizer {

  static final int MAX_SENTENCES = 3;

  private ExtractiveSummarizer() {
  }

  static String summarise(List<Sentence> sentences, TermRanking ranking) {
    double[] weights = ranking.weightBySentence(sentences.size());
    double[] scores = IntStream.range(0, sentences.size())
        .mapToDouble(i -> weights[i] / Math.sqrt(sentences.get(i).size()))
        .toArray();
    List<Integer> chosen = IntStream.range(0, sentences.size()).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).reversed().thenComparing(i -> i))
        .limit(MAX_SENTENCES)
        .sorted()
        .toList();
    if (chosen.isEmpty()) {
      return "";
    }
    return chosen.stream()
        .map(i -> capitalised(sentences.get(i).text()))
        .collect(Collectors.joining(". ", "", "."));
  }

  private static String capitalised(String text) {
    int first = text.codePointAt(0);
    return new StringBuilder().appendCodePoint(Character.toUpperCase(first))
        .append(text, Character.charCount(first), text.length())
        .toString();
  }
}
