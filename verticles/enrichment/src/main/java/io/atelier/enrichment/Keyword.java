package io.atelier.enrichment;

import io.vertx.core.json.JsonObject;

/**
 * A word or key phrase that stands out in the speech.
 *
 * @param text the word, or two words separated by a space
 * @param count how many times it was heard
 * @param score its weight relative to the top keyword, which scores 1
 * @param firstAt when it was first heard, in seconds
 */
public record Keyword(String text, int count, double score, double firstAt) {

  public Keyword {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a keyword has text");
    }
    if (count < 1) {
      throw new IllegalArgumentException("keyword '" + text + "' was heard " + count + " times");
    }
    if (!(score > 0 && score <= 1)) {
      throw new IllegalArgumentException("keyword '" + text + "' has score " + score + ", outside (0, 1]");
    }
    if (!(firstAt >= 0) || Double.isInfinite(firstAt)) {
      throw new IllegalArgumentException("keyword '" + text + "' was first heard at " + firstAt);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("text", text).put("count", count).put("score", score).put("firstAt", firstAt);
  }

  public static Keyword fromJson(JsonObject json) {
    return new Keyword(JsonFields.string(json, "keyword", "text"), JsonFields.integer(json, "keyword", "count"),
        JsonFields.number(json, "keyword", "score"), JsonFields.number(json, "keyword", "firstAt"));
  }
}
