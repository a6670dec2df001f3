package io.atelier.enrichment;

import static io.atelier.enrichment.TranscriptBuilder.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class TranscriptAnalyzerTest {

  private static List<String> keywordTexts(Enrichment enrichment) {
    return enrichment.keywords().stream().map(Keyword::text).toList();
  }

  // ---- keywords ----

  @Test
  void stopWordsNeverBecomeKeywords() {
    TranscriptBuilder speech = new TranscriptBuilder();
    for (int i = 0; i < 5; i++) {
      speech.say("the and with that this would there about which should");
    }
    speech.say("garden");

    Enrichment enrichment = speech.analyze();

    assertThat(enrichment.keywords()).containsExactly(new Keyword("garden", 1, 1.0, speech.startOf(50)));
  }

  @Test
  void shortWordsAndDoubtfulWordsAreNotKeywords() {
    Enrichment enrichment = new TranscriptBuilder()
        .say("go ox go ox garden")
        .sayDoubtfully("mystery mystery mystery")
        .analyze();

    assertThat(keywordTexts(enrichment)).containsExactly("garden");
  }

  @Test
  void keywordsAreRankedByHowOftenTheyAreHeardAndScoredAgainstTheTopOne() {
    TranscriptBuilder speech = new TranscriptBuilder()
        .say("the river and the bridge and the river and the castle and the river and the bridge");

    List<Keyword> keywords = speech.analyze().keywords();

    assertThat(keywords).extracting(Keyword::text).containsExactly("river", "bridge", "castle");
    assertThat(keywords).extracting(Keyword::count).containsExactly(3, 2, 1);
    assertThat(keywords.get(0).score()).isEqualTo(1.0);
    assertThat(keywords.get(1).score()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(keywords.get(2).score()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(keywords).extracting(Keyword::firstAt)
        .containsExactly(speech.startOf(1), speech.startOf(4), speech.startOf(10));
  }

  @Test
  void aRepeatedNamePairIsOneKeyPhrase() {
    Enrichment enrichment = new TranscriptBuilder()
        .say("john dashwood had a sister").pause(1)
        .say("then john dashwood left and john dashwood returned")
        .analyze();

    assertThat(enrichment.keywords().get(0)).isEqualTo(new Keyword("john dashwood", 3, 1.0, 0.5));
    assertThat(keywordTexts(enrichment)).containsExactly("john dashwood", "sister", "left", "returned")
        .doesNotContain("john", "dashwood");
    // A phrase weighs as its two words: three hearings against one.
    assertThat(enrichment.keywords().get(1).score()).isCloseTo(1.0 / 6, within(1e-12));
  }

  @Test
  void aPairHeardOnceStaysTwoWords() {
    Enrichment enrichment = new TranscriptBuilder().say("john dashwood met john").analyze();

    assertThat(enrichment.keywords()).extracting(Keyword::text, Keyword::count)
        .containsExactly(tuple("john", 2), tuple("dashwood", 1), tuple("met", 1));
  }

  @Test
  void aKeyPhraseNeverSpansAPause() {
    Enrichment enrichment = new TranscriptBuilder()
        .say("garden").pause(1).say("party").pause(1)
        .say("garden").pause(1).say("party")
        .analyze();

    assertThat(keywordTexts(enrichment)).containsExactly("garden", "party");
  }

  @Test
  void tiesAreBrokenByFirstHearingThenAlphabetically() {
    JsonArray words = new JsonArray()
        .add(word("mango", 0.5, 0.8, 0.9))
        .add(word("the", 0.85, 1.0, 0.9))
        .add(word("pear", 1.2, 1.4, 0.9))
        .add(word("apple", 1.2, 1.5, 0.9));

    Enrichment enrichment = TranscriptAnalyzer.analyze(words, 2);

    assertThat(keywordTexts(enrichment)).containsExactly("mango", "apple", "pear");
  }

  @Test
  void atMostTenKeywordsAreKept() {
    TranscriptBuilder speech = new TranscriptBuilder();
    for (String w : "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima oscar oscar".split(" ")) {
      speech.say("the " + w);
    }

    assertThat(keywordTexts(speech.analyze()))
        .containsExactly("oscar", "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india");
  }

  // ---- sentences and summary ----

  @Test
  void sentencesEndAtPausesOfSixTenthsOfASecondOrMore() {
    List<SpokenWord> words = List.of(
        new SpokenWord("elinor", 1.0, 1.61, 1), new SpokenWord("smiled", 2.21, 2.5, 1),
        new SpokenWord("warmly", 3.09, 3.3, 1));

    assertThat(SentenceSplitter.split(words)).extracting(Sentence::text).containsExactly("elinor", "smiled warmly");
  }

  @Test
  void aSentenceEndsAfterFortyWords() {
    List<SpokenWord> words = IntStream.range(0, 95).mapToObj(i -> new SpokenWord("word", i * 0.4, i * 0.4 + 0.3, 1))
        .toList();

    assertThat(SentenceSplitter.split(words)).extracting(Sentence::size).containsExactly(40, 40, 15);
  }

  private static TranscriptBuilder dashwoodStory() {
    return new TranscriptBuilder()
        .say("dashwood inherited norland park").pause(1)
        .say("it was a quiet day").pause(1)
        .say("dashwood sold norland").pause(1)
        .say("nothing much happened then").pause(1)
        .say("norland passed to dashwood");
  }

  @Test
  void summaryQuotesTheSentencesRichestInKeywords() {
    String summary = dashwoodStory().analyze().summary();

    assertThat(summary).doesNotContain("quiet day", "nothing much");
  }

  @Test
  void summaryKeepsTimeOrder() {
    // "dashwood sold norland" scores highest, yet is told second, as it was spoken.
    assertThat(dashwoodStory().analyze().summary())
        .isEqualTo("Dashwood inherited norland park. Dashwood sold norland. Norland passed to dashwood.");
  }

  @Test
  void speechWithoutKeywordsIsSummarisedByItsOpening() {
    Enrichment enrichment = new TranscriptBuilder().say("and then there was").pause(1).say("it was so").analyze();

    assertThat(enrichment.keywords()).isEmpty();
    assertThat(enrichment.summary()).isEqualTo("And then there was. It was so.");
  }

  // ---- chapters ----

  @Test
  void aTranscriptWithWordsHasOneChapterCoveringAllOfIt() {
    TranscriptBuilder speech = new TranscriptBuilder().say("the garden");

    assertThat(speech.analyze().chapters()).containsExactly(new Chapter(0, 0.5, speech.lastEnd(), "garden", 2));
  }

  @Test
  void longPausesStartNewChapters() {
    TranscriptBuilder speech = new TranscriptBuilder().talkFor(15, "the garden and the roses");
    int opening = speech.size();
    speech.pause(3).talkFor(15, "the kitchen and the bread");

    assertThat(speech.analyze().chapters()).containsExactly(
        new Chapter(0, 0.5, speech.startOf(opening), "garden · roses", opening),
        new Chapter(1, speech.startOf(opening), speech.lastEnd(), "kitchen · bread", speech.size() - opening));
  }

  @ParameterizedTest(name = "sentences of {0} words: a chapter every {1} sentences")
  @CsvSource({"20, 8", "24, 6"})
  void speechWithoutLongPausesIsCutAtTheSentenceBoundaryNearestEachMinute(int wordsPerSentence, int perChapter) {
    // 20 words and a 1 s pause take 7.95 s: the 8th boundary (63.6 s) is nearer a minute than the 7th (55.65 s).
    // 24 words take 9.35 s: the 6th boundary (56.1 s) is nearer than the 7th (65.45 s).
    TranscriptBuilder speech = new TranscriptBuilder();
    String sentence = String.join(" ", Collections.nCopies(wordsPerSentence / 2, "the garden"));
    for (int s = 0; s < 20; s++) {
      speech.say(sentence).pause(1);
    }

    List<Chapter> chapters = speech.analyze().chapters();

    int chapterWords = wordsPerSentence * perChapter;
    assertThat(chapters).hasSize((20 + perChapter - 1) / perChapter);
    for (Chapter chapter : chapters) {
      assertThat(chapter.start()).isEqualTo(speech.startOf(chapter.index() * chapterWords));
    }
  }

  @Test
  void shortChaptersMergeIntoTheirPredecessor() {
    TranscriptBuilder speech = new TranscriptBuilder().talkFor(20, "the garden and the roses");
    speech.pause(3).talkFor(5, "the kitchen");
    int beforeRiver = speech.size();
    speech.pause(3).talkFor(20, "the river and the boats");

    List<Chapter> chapters = speech.analyze().chapters();

    assertThat(chapters).containsExactly(
        new Chapter(0, 0.5, speech.startOf(beforeRiver), "garden · roses · kitchen", beforeRiver),
        new Chapter(1, speech.startOf(beforeRiver), speech.lastEnd(), "river · boats", speech.size() - beforeRiver));
  }

  @Test
  void aShortOpeningChapterJoinsTheOneAfterIt() {
    TranscriptBuilder speech = new TranscriptBuilder().talkFor(4, "the kitchen");
    speech.pause(3).talkFor(20, "the garden and the roses");
    int beforeRiver = speech.size();
    speech.pause(3).talkFor(20, "the river and the boats");

    List<Chapter> chapters = speech.analyze().chapters();

    assertThat(chapters).extracting(Chapter::start, Chapter::end, Chapter::wordCount).containsExactly(
        tuple(0.5, speech.startOf(beforeRiver), beforeRiver),
        tuple(speech.startOf(beforeRiver), speech.lastEnd(),
            speech.size() - beforeRiver));
  }

  @Test
  void aChapterWithoutKeywordsIsUntitled() {
    TranscriptBuilder speech = new TranscriptBuilder().talkFor(15, "and then there was the").pause(3)
        .talkFor(15, "the kitchen");

    assertThat(speech.analyze().chapters()).extracting(Chapter::title).containsExactly("Untitled", "kitchen");
  }

  // ---- empty and malformed transcripts ----

  @Test
  void emptyTranscriptGivesEmptyEnrichment() {
    Enrichment enrichment = TranscriptAnalyzer.analyze(new JsonArray(), 42.0);

    assertThat(enrichment.keywords()).isEmpty();
    assertThat(enrichment.summary()).isEmpty();
    assertThat(enrichment.chapters()).isEmpty();
  }

  static Stream<Arguments> malformedWords() {
    return Stream.of(
        Arguments.of(edit(w -> w.remove("word")), "words[2].word is missing"),
        Arguments.of(edit(w -> w.put("word", 42)), "words[2].word is not a string"),
        Arguments.of(edit(w -> w.put("word", " ")), "words[2].word is blank"),
        Arguments.of(edit(w -> w.put("start", "2.0")), "words[2].start is not a number"),
        Arguments.of(edit(w -> w.put("start", -0.5)), "words[2].start is negative"),
        Arguments.of(edit(w -> w.remove("end")), "words[2].end is missing"),
        Arguments.of(edit(w -> w.put("end", Double.NaN)), "words[2].end is not a finite number"),
        Arguments.of(edit(w -> w.put("end", 1.9)), "words[2].end is before words[2].start"),
        Arguments.of(edit(w -> w.put("confidence", 97)), "words[2].confidence is not between 0 and 1"),
        Arguments.of(edit(w -> w.put("start", 0.2).put("end", 0.3)), "words[2].start is before words[1].start"),
        Arguments.of(new JsonArray().add(word("one", 0, 1, 1)).add(word("two", 1, 2, 1)).add("three"),
            "words[2] is not an object"));
  }

  /** Three good words, the last of them edited. */
  private static JsonArray edit(Consumer<JsonObject> change) {
    JsonObject third = word("marianne", 2.0, 2.5, 0.9);
    change.accept(third);
    return new JsonArray().add(word("elinor", 0.5, 1.0, 0.9)).add(word("and", 1.1, 1.3, 0.9)).add(third);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("malformedWords")
  void malformedWordsAreRejectedWithTheirIndex(JsonArray words, String message) {
    assertThatThrownBy(() -> TranscriptAnalyzer.analyze(words, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void aMissingWordListOrABadDurationIsRejected() {
    assertThatThrownBy(() -> TranscriptAnalyzer.analyze(null, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("words");
    assertThatThrownBy(() -> TranscriptAnalyzer.analyze(new JsonArray(), Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("durationSeconds");
    assertThatThrownBy(() -> TranscriptAnalyzer.analyze(new JsonArray(), -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("durationSeconds");
  }

  @Test
  void aWordWithoutConfidenceIsTrusted() {
    JsonArray words = new JsonArray().add(new JsonObject().put("word", "garden").put("start", 0.5).put("end", 0.9));

    assertThat(keywordTexts(TranscriptAnalyzer.analyze(words, 1))).containsExactly("garden");
  }

  // ---- determinism and JSON ----

  @Test
  void outputIsDeterministic() {
    JsonArray words = RandomTranscripts.next(new Random(7), 3000);

    Enrichment first = TranscriptAnalyzer.analyze(words.copy(), 5000);
    Enrichment second = TranscriptAnalyzer.analyze(words.copy(), 5000);

    assertThat(second).isEqualTo(first);
    assertThat(second.toJson().encode()).isEqualTo(first.toJson().encode());
  }

  @Test
  void enrichmentSurvivesAJsonRoundTrip() {
    TranscriptBuilder speech = dashwoodStory();
    Enrichment enrichment = speech.analyze();
    JsonObject json = new JsonObject(enrichment.toJson().encode());

    assertThat(json.fieldNames()).containsExactlyInAnyOrder("keywords", "summary", "chapters");
    assertThat(json.getJsonArray("keywords").getJsonObject(0).getMap())
        .containsOnlyKeys("text", "count", "score", "firstAt");
    assertThat(json.getJsonArray("chapters").getJsonObject(0).getMap())
        .containsOnlyKeys("index", "start", "end", "title", "wordCount");
    assertThat(Enrichment.fromJson(json)).isEqualTo(enrichment);
    assertThat(Enrichment.fromJson(Enrichment.EMPTY.toJson())).isEqualTo(Enrichment.EMPTY);
  }

  @Test
  void storedEnrichmentMissingAFieldIsRejectedByName() {
    JsonObject json = dashwoodStory().analyze().toJson();
    json.getJsonArray("chapters").getJsonObject(0).remove("title");

    assertThatThrownBy(() -> Enrichment.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("chapter.title is missing");
  }

  // ---- invariants over random transcripts ----

  @Test
  void randomTranscriptsKeepEveryInvariant() {
    Random random = new Random(20_240_611L);
    int withSeveralChapters = 0;
    int withKeyPhrases = 0;
    for (int n = 0; n < 500; n++) {
      JsonArray words = RandomTranscripts.next(random, random.nextInt(12) == 0 ? 0 : 1 + random.nextInt(400));
      Enrichment enrichment = TranscriptAnalyzer.analyze(words, RandomTranscripts.endOf(words) + 1);
      String which = "transcript " + n + " " + words.encode();

      RandomTranscripts.assertChaptersTile(words, enrichment.chapters(), which);
      RandomTranscripts.assertKeywordsAreRankedContentTerms(enrichment.keywords(), which);
      RandomTranscripts.assertSummaryQuotesInOrder(words, enrichment.summary(), which);
      withSeveralChapters += enrichment.chapters().size() > 1 ? 1 : 0;
      withKeyPhrases += enrichment.keywords().stream().anyMatch(k -> k.text().contains(" ")) ? 1 : 0;
    }
    // The invariants mean something only if the transcripts reach the interesting cases.
    assertThat(withSeveralChapters).isGreaterThan(100);
    assertThat(withKeyPhrases).isGreaterThan(100);
  }

  @Test
  void theInvariantChecksCatchBrokenOutput() {
    JsonArray words = new TranscriptBuilder().talkFor(30, "the garden and the roses").words();
    double end = RandomTranscripts.endOf(words);
    List<Chapter> gap = List.of(new Chapter(0, 0.5, 15, "garden", 20),
        new Chapter(1, 16, end, "roses", words.size() - 20));
    List<Keyword> rising = List.of(new Keyword("garden", 1, 0.5, 1), new Keyword("roses", 2, 1, 2));
    List<Keyword> stopWord = List.of(new Keyword("there", 2, 1, 1));
    JsonArray story = new TranscriptBuilder().say("elinor smiled").pause(1).say("marianne wept").words();

    assertThatThrownBy(() -> RandomTranscripts.assertChaptersTile(words, gap, "gap"))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> RandomTranscripts.assertKeywordsAreRankedContentTerms(rising, "rising"))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> RandomTranscripts.assertKeywordsAreRankedContentTerms(stopWord, "stop word"))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> RandomTranscripts.assertSummaryQuotesInOrder(words, "Garden the roses.", "invented"))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> RandomTranscripts.assertSummaryQuotesInOrder(story, "Marianne wept. Elinor smiled.",
        "reordered")).isInstanceOf(AssertionError.class);
    RandomTranscripts.assertSummaryQuotesInOrder(story, "Elinor smiled. Marianne wept.", "as spoken");
  }
}
