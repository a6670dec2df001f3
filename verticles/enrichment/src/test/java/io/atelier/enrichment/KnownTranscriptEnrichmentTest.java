package io.atelier.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fixed radio segment in three parts (a community garden, its bees, the council's vote), timed as the recogniser
 * times it, and the exact enrichment it must give. The expectations were worked out by hand from the rules of
 * {@link KeywordRanker}, {@link ExtractiveSummarizer} and {@link ChapterSplitter}; the comments show the sums.
 */
class KnownTranscriptEnrichmentTest {

  private static final double SECONDS = 1e-9;

  /**
   * Sentences one second apart, parts three seconds apart. Each word takes 0.3 s and the next follows 0.05 s later,
   * so the parts run 0.5–13.2 s, 16.2–33 s and 36–49.4 s.
   */
  private static TranscriptBuilder gardenSegment() {
    return new TranscriptBuilder()
        .say("welcome to the morning show today we visit the community garden on river street").pause(1)
        .say("the community garden opened last spring with twenty raised beds").pause(1)
        .say("volunteers water the raised beds every morning").pause(3)
        .say("the garden also keeps bees").pause(1)
        .say("maria looks after the bees and sells the honey and fresh eggs and jam at the saturday market").pause(1)
        .say("the honey sold out at the market in two hours").pause(1)
        .say("maria says the bees need more flowers").pause(3)
        .say("the city council votes next month on funding for a second community garden").pause(1)
        .say("the council meets on tuesday evening and volunteers can speak about the funding").pause(1)
        .say("thanks for listening to the morning show");
  }

  @Test
  void theKeywordsArePhrasesAndWordsHeardMostOftenWithTiesToTheOneHeardFirst() {
    List<Keyword> keywords = gardenSegment().analyze().keywords();

    // Weights: "community garden" 3 hearings x 2 words = 6; "morning show" and "raised beds" 2 x 2 = 4, the show
    // heard first; "bees" 3; then six words heard twice, in the order first heard. Words heard once miss the ten.
    assertThat(keywords).extracting(Keyword::text, Keyword::count).containsExactly(
        tuple("community garden", 3),
        tuple("morning show", 2),
        tuple("raised beds", 2),
        tuple("bees", 3),
        tuple("volunteers", 2),
        tuple("maria", 2),
        tuple("honey", 2),
        tuple("market", 2),
        tuple("council", 2),
        tuple("funding", 2));
    assertThat(keywords).extracting(Keyword::score).containsExactly(
        1.0, 4.0 / 6, 4.0 / 6, 3.0 / 6, 2.0 / 6, 2.0 / 6, 2.0 / 6, 2.0 / 6, 2.0 / 6, 2.0 / 6);
    assertThat(keywords.get(0).firstAt()).isCloseTo(3.65, within(SECONDS));
    assertThat(keywords.get(1).firstAt()).isCloseTo(1.55, within(SECONDS));
    assertThat(keywords.get(9).firstAt()).isCloseTo(38.45, within(SECONDS));
  }

  @Test
  void theSummaryQuotesTheThreeSentencesRichestInKeywordsInSpokenOrder() {
    String summary = gardenSegment().analyze().summary();

    // Keyword score per sentence over the square root of its length: the garden's opening 2.33 / sqrt 10 = 0.74,
    // the council's vote 2.5 / sqrt 13 = 0.69, the welcome 2.5 / sqrt 14 = 0.67. The market sentence weighs as
    // much as the welcome, 2.5, but over 18 words: 0.59, so it is left out for its length.
    assertThat(summary).isEqualTo(
        "Welcome to the morning show today we visit the community garden on river street. "
            + "The community garden opened last spring with twenty raised beds. "
            + "The city council votes next month on funding for a second community garden.");
  }

  @Test
  void theThreePartsAreThreeChaptersTitledByTheirOwnKeywords() {
    TranscriptBuilder segment = gardenSegment();

    List<Chapter> chapters = segment.analyze().chapters();

    // Titles rank each chapter alone: within the first part "morning show" is heard once, so it is no phrase there
    // and "morning" counts twice; within the last, "community garden" is heard once and "city" is its first word.
    assertThat(chapters).extracting(Chapter::index, Chapter::title, Chapter::wordCount).containsExactly(
        tuple(0, "community garden · raised beds · morning", 31),
        tuple(1, "bees · maria · honey", 40),
        tuple(2, "council · funding · city", 33));
    assertThat(chapters).extracting(Chapter::start).satisfiesExactly(
        start -> assertThat(start).isCloseTo(0.5, within(SECONDS)),
        start -> assertThat(start).isCloseTo(16.2, within(SECONDS)),
        start -> assertThat(start).isCloseTo(36.0, within(SECONDS)));
    assertThat(chapters).extracting(Chapter::end).satisfiesExactly(
        end -> assertThat(end).isCloseTo(16.2, within(SECONDS)),
        end -> assertThat(end).isCloseTo(36.0, within(SECONDS)),
        end -> assertThat(end).isCloseTo(49.4, within(SECONDS)));
    assertThat(segment.size()).isEqualTo(31 + 40 + 33);
  }
}
