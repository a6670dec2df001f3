package io.atelier.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Random transcripts, and the properties every enrichment of one must have. */
final class RandomTranscripts {

  /** Names that pair up often, function words, and words too short to count. */
  private static final String[] VOCABULARY = {
      "john", "dashwood", "norland", "sister", "estate", "money", "marianne", "elinor", "cottage", "letter", "rain",
      "the", "and", "was", "there", "which", "of", "a", "to", "it", "uh"};

  private RandomTranscripts() {
  }

  static JsonArray next(Random random, int count) {
    JsonArray words = new JsonArray();
    double clock = random.nextDouble() * 5;
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        clock += gap(random);
      }
      double length = random.nextInt(20) == 0 ? 0 : 0.1 + random.nextDouble() * 0.5;
      double confidence = random.nextInt(8) == 0 ? random.nextDouble() * 0.5 : 0.5 + random.nextDouble() * 0.5;
      words.add(TranscriptBuilder.word(VOCABULARY[random.nextInt(VOCABULARY.length)], clock, clock + length,
          confidence));
      clock += length;
    }
    return words;
  }

  /** Mostly flowing speech, some sentence pauses, a few long silences, and now and then words with no gap. */
  private static double gap(Random random) {
    double r = random.nextDouble();
    if (r < 0.75) {
      return random.nextDouble() * 0.5;
    } else if (r < 0.93) {
      return 0.6 + random.nextDouble() * 1.4;
    } else if (r < 0.99) {
      return 2 + random.nextDouble() * 6;
    }
    return 0;
  }

  static double endOf(JsonArray words) {
    return words.isEmpty() ? 0 : words.getJsonObject(words.size() - 1).getDouble("end");
  }

  static void assertChaptersTile(JsonArray words, List<Chapter> chapters, String which) {
    if (words.isEmpty()) {
      assertThat(chapters).as(which).isEmpty();
      return;
    }
    assertThat(chapters).as(which).isNotEmpty();
    assertThat(chapters.get(0).start()).as(which).isEqualTo(words.getJsonObject(0).getDouble("start"));
    assertThat(chapters.get(chapters.size() - 1).end()).as(which).isEqualTo(endOf(words));
    for (int i = 0; i < chapters.size(); i++) {
      Chapter chapter = chapters.get(i);
      assertThat(chapter.index()).as(which).isEqualTo(i);
      assertThat(chapter.end()).as(which).isGreaterThanOrEqualTo(chapter.start());
      assertThat(chapter.title()).as(which).isNotBlank();
      if (chapters.size() > 1) {
        assertThat(chapter.end() - chapter.start()).as(which + ", chapter " + i).isGreaterThanOrEqualTo(10.0);
      }
      if (i > 0) {
        assertThat(chapter.start()).as(which + ", chapter " + i).isEqualTo(chapters.get(i - 1).end());
      }
    }
    assertThat(chapters.stream().mapToInt(Chapter::wordCount).sum()).as(which).isEqualTo(words.size());
  }

  static void assertKeywordsAreRankedContentTerms(List<Keyword> keywords, String which) {
    assertThat(keywords).as(which).hasSizeLessThanOrEqualTo(TranscriptAnalyzer.MAX_KEYWORDS);
    for (int i = 0; i < keywords.size(); i++) {
      Keyword keyword = keywords.get(i);
      assertThat(keyword.score()).as(which).isGreaterThan(0).isLessThanOrEqualTo(1);
      if (i == 0) {
        assertThat(keyword.score()).as(which).isEqualTo(1.0);
      } else {
        assertThat(keyword.score()).as(which).isLessThanOrEqualTo(keywords.get(i - 1).score());
      }
      String[] parts = keyword.text().split(" ");
      assertThat(parts.length).as(which).isBetween(1, 2);
      if (parts.length == 2) {
        assertThat(keyword.count()).as(which + ": key phrase " + keyword.text()).isGreaterThanOrEqualTo(2);
      }
      for (String part : parts) {
        assertThat(StopWords.contains(part)).as(which + ": " + part + " is a stop word").isFalse();
        assertThat(part.length()).as(which).isGreaterThanOrEqualTo(3);
      }
    }
  }

  /** Each summary sentence is a run of the transcript's words, later than the one before it. */
  static void assertSummaryQuotesInOrder(JsonArray words, String summary, String which) {
    if (words.isEmpty()) {
      assertThat(summary).as(which).isEmpty();
      return;
    }
    assertThat(summary).as(which).endsWith(".");
    assertThat(Character.isUpperCase(summary.charAt(0))).as(which).isTrue();
    String spoken = IntStream.range(0, words.size()).mapToObj(words::getJsonObject)
        .map(w -> w.getString("word")).collect(Collectors.joining(" ", " ", " "));
    String[] sentences = summary.substring(0, summary.length() - 1).split("\\. ");
    assertThat(sentences).as(which).hasSizeBetween(1, ExtractiveSummarizer.MAX_SENTENCES);
    int from = 0;
    for (String sentence : sentences) {
      int at = spoken.indexOf(" " + sentence.toLowerCase() + " ", from);
      assertThat(at).as(which + ": '" + sentence + "' is not quoted in order").isNotNegative();
      from = at + sentence.length() + 1;
    }
  }
}
