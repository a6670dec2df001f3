package io.atelier.enrichment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Builds transcripts as the recogniser writes them: each word lasts 0.3 s and follows the last after 0.05 s. */
final class TranscriptBuilder {

  static final double WORD_SECONDS = 0.3;
  static final double WORD_GAP = 0.05;
  static final double CONFIDENT = 0.95;
  static final double DOUBTFUL = 0.3;

  private final JsonArray words = new JsonArray();
  private double nextStart = 0.5;
  private double lastEnd = 0.5;

  TranscriptBuilder say(String text) {
    return say(text, CONFIDENT);
  }

  TranscriptBuilder sayDoubtfully(String text) {
    return say(text, DOUBTFUL);
  }

  /** Repeats the text's words in turn for about this many seconds, without a pause. */
  TranscriptBuilder talkFor(double seconds, String text) {
    String[] cycle = text.split(" ");
    double until = nextStart + seconds;
    for (int i = 0; nextStart + WORD_SECONDS <= until; i++) {
      say(cycle[i % cycle.length]);
    }
    return this;
  }

  /** The silence between the last word and the next one. */
  TranscriptBuilder pause(double seconds) {
    nextStart = lastEnd + seconds;
    return this;
  }

  int size() {
    return words.size();
  }

  double startOf(int index) {
    return words.getJsonObject(index).getDouble("start");
  }

  double lastEnd() {
    return lastEnd;
  }

  JsonArray words() {
    return words.copy();
  }

  double duration() {
    return lastEnd + 1;
  }

  Enrichment analyze() {
    return TranscriptAnalyzer.analyze(words(), duration());
  }

  static JsonObject word(String text, double start, double end, double confidence) {
    return new JsonObject().put("word", text).put("start", start).put("end", end).put("confidence", confidence);
  }

  private TranscriptBuilder say(String text, double confidence) {
    for (String token : text.split(" ")) {
      double start = nextStart;
      words.add(word(token, start, start + WORD_SECONDS, confidence));
      lastEnd = start + WORD_SECONDS;
      nextStart = lastEnd + WORD_GAP;
    }
    return this;
  }
}
