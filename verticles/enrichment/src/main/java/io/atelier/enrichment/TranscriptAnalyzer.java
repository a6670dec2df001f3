package io.atelier.enrichment;

import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * Finds keywords, a summary and chapters in a transcript from speech recognition: lowercase words without
 * punctuation, each timed in seconds. Pure and deterministic: the same transcript always gives the same enrichment.
 */
public final class TranscriptAnalyzer {

  static final int MAX_KEYWORDS = 10;

  private TranscriptAnalyzer() {
  }

  /**
   * @param words the recognised words in spoken order, each {@code {"word", "start", "end", "confidence"}}
   * @param durationSeconds the length of the recording; chapters follow the speech, not the silence around it
   * @throws IllegalArgumentException naming the entry and field, when an entry is malformed
   */
  public static Enrichment analyze(JsonArray words, double durationSeconds) {
    TranscriptReader.checkDuration(durationSeconds);
    List<Sentence> sentences = SentenceSplitter.split(TranscriptReader.read(words));
    if (sentences.isEmpty()) {
      return Enrichment.EMPTY;
    }
    TermRanking ranking = KeywordRanker.rank(sentences);
    return new Enrichment(ranking.top(MAX_KEYWORDS), ExtractiveSummarizer.summarise(sentences, ranking),
        ChapterSplitter.split(sentences));
  }
}
