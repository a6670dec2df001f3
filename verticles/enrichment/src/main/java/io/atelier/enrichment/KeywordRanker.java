package io.atelier.enrichment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranks content terms by how often they are heard. A term is a confident word of at least three letters that is not
 * a function word, or a key phrase: two such words heard side by side within a sentence at least twice. A phrase's
 * hearings take its words with them ("john dashwood" is one keyword, not three) and weigh as two words, so the
 * total weight of the speech is the same whether or not its words pair up.
 */
final class KeywordRanker {

  static final int MIN_LETTERS = 3;
  static final int MIN_PHRASE_HEARINGS = 2;

  private static final Comparator<Tally> BEST_FIRST = Comparator.comparingInt(Tally::weight).reversed()
      .thenComparingDouble(Tally::firstAt)
      .thenComparing(Tally::text);

  private KeywordRanker() {
  }

  static TermRanking rank(List<Sentence> sentences) {
    Set<String> phrases = pairsHeardRepeatedly(sentences);
    List<TermOccurrence> occurrences = readTerms(sentences, phrases);
    // Overlapping pairs ("a b c a b c") compete for their words, so a phrase may end up read fewer than twice: drop
    // such phrases and read again. The set only shrinks, so this ends.
    Set<String> kept = phrasesReadRepeatedly(occurrences);
    while (!kept.equals(phrases)) {
      phrases = kept;
      occurrences = readTerms(sentences, phrases);
      kept = phrasesReadRepeatedly(occurrences);
    }
    return new TermRanking(rankedKeywords(occurrences), occurrences);
  }

  static boolean isContentWord(SpokenWord word) {
    String text = word.text();
    long letters = text.codePoints().filter(Character::isLetter).count();
    boolean wordShaped = text.codePoints().allMatch(c -> Character.isLetter(c) || c == '\'' || c == '-');
    return word.isConfident() && wordShaped && letters >= MIN_LETTERS && !StopWords.contains(text);
  }

  private static Set<String> pairsHeardRepeatedly(List<Sentence> sentences) {
    Map<String, Integer> hearings = new HashMap<>();
    for (Sentence sentence : sentences) {
      List<SpokenWord> words = sentence.words();
      for (int i = 0; i + 1 < words.size(); i++) {
        if (isContentWord(words.get(i)) && isContentWord(words.get(i + 1))) {
          hearings.merge(pair(words.get(i), words.get(i + 1)), 1, Integer::sum);
        }
      }
    }
    Set<String> repeated = new HashSet<>();
    hearings.forEach((pair, count) -> {
      if (count >= MIN_PHRASE_HEARINGS) {
        repeated.add(pair);
      }
    });
    return repeated;
  }

  /** Reads each sentence left to right, taking a known phrase where one starts and single content words elsewhere. */
  private static List<TermOccurrence> readTerms(List<Sentence> sentences, Set<String> phrases) {
    List<TermOccurrence> occurrences = new ArrayList<>();
    for (int s = 0; s < sentences.size(); s++) {
      List<SpokenWord> words = sentences.get(s).words();
      int i = 0;
      while (i < words.size()) {
        SpokenWord word = words.get(i);
        if (!isContentWord(word)) {
          i++;
        } else if (i + 1 < words.size() && isContentWord(words.get(i + 1))
            && phrases.contains(pair(word, words.get(i + 1)))) {
          occurrences.add(new TermOccurrence(pair(word, words.get(i + 1)), 2, s, word.start()));
          i += 2;
        } else {
          occurrences.add(new TermOccurrence(word.text(), 1, s, word.start()));
          i++;
        }
      }
    }
    return occurrences;
  }

  private static Set<String> phrasesReadRepeatedly(List<TermOccurrence> occurrences) {
    Map<String, Integer> reads = new HashMap<>();
    occurrences.stream().filter(o -> o.wordCount() == 2).forEach(o -> reads.merge(o.text(), 1, Integer::sum));
    Set<String> repeated = new HashSet<>();
    reads.forEach((phrase, count) -> {
      if (count >= MIN_PHRASE_HEARINGS) {
        repeated.add(phrase);
      }
    });
    return repeated;
  }

  private static List<Keyword> rankedKeywords(List<TermOccurrence> occurrences) {
    Map<String, Tally> tallies = new LinkedHashMap<>();
    for (TermOccurrence o : occurrences) {
      tallies.merge(o.text(), new Tally(o.text(), o.wordCount(), 1, o.at()), Tally::plus);
    }
    List<Tally> ranked = tallies.values().stream().sorted(BEST_FIRST).toList();
    if (ranked.isEmpty()) {
      return List.of();
    }
    double topWeight = ranked.get(0).weight();
    return ranked.stream()
        .map(t -> new Keyword(t.text(), t.count(), t.weight() / topWeight, t.firstAt()))
        .toList();
  }

  private static String pair(SpokenWord first, SpokenWord second) {
    return first.text() + " " + second.text();
  }

  private record Tally(String text, int wordCount, int count, double firstAt) {

    int weight() {
      return count * wordCount;
    }

    Tally plus(Tally later) {
      return new Tally(text, wordCount, count + later.count, Math.min(firstAt, later.firstAt));
    }
  }
}
