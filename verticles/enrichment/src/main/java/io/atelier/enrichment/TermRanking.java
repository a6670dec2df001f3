package io.atelier.enrichment;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The content terms of some sentences, best first, and where each was heard. */
record TermRanking(List<Keyword> keywords, List<TermOccurrence> occurrences) {

  TermRanking {
    keywords = List.copyOf(keywords);
    occurrences = List.copyOf(occurrences);
  }

  List<Keyword> top(int limit) {
    return keywords.subList(0, Math.min(limit, keywords.size()));
  }

  /** For each sentence, the sum of the scores of the terms heard in it. */
  double[] weightBySentence(int sentenceCount) {
    Map<String, Double> scores = new HashMap<>();
    keywords.forEach(k -> scores.put(k.text(), k.score()));
    double[] weights = new double[sentenceCount];
    for (TermOccurrence occurrence : occurrences) {
      weights[occurrence.sentence()] += scores.get(occurrence.text());
    }
    return weights;
  }
}
