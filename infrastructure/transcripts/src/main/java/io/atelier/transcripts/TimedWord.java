package io.atelier.transcripts;

import io.vertx.core.json.JsonObject;

/** A recognised word, with its start and end in seconds from the start of the recording. */
public record TimedWord(String word, double start, double end, double confidence) {

  public TimedWord {
    if (word == null || word.isBlank()) {
      throw new IllegalArgumentException("a word has text");
    }
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("word '" + word + "' has bad timing " + start + ".." + end);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("word", word).put("start", start).put("end", end).put("confidence", confidence);
  }

  /** Reads what {@link #toJson()} wrote (a stored transcript's {@code words}). */
  public static TimedWord fromJson(JsonObject json) {
    return new TimedWord(json.getString("word"), json.getDouble("start"), json.getDouble("end"),
        json.getDouble("confidence", 1.0));
  }
}
