package io.atelier.enrichment;

import java.util.List;
import java.util.stream.Collectors;

/** A run of words spoken without a pause; never empty. */
record Sentence(List<SpokenWord> words) {

  Sentence {
    if (words.isEmpty()) {
      throw new IllegalArgumentException("a sentence has words");
    }
    words = List.copyOf(words);
  }

  double start() {
    return words.get(0).start();
  }

  /** The latest end of any of its words, so the sentence covers all of them even if the recogniser overlapped two. */
  double end() {
    return words.stream().mapToDouble(SpokenWord::end).max().orElseThrow();
  }

  int size() {
    return words.size();
  }

  String text() {
    return words.stream().map(SpokenWord::text).collect(Collectors.joining(" "));
  }
}
