package io.atelier.enrichment;

import io.vertx.core.json.JsonObject;

/**
 * A stretch of the speech, from when its first word starts to when the next chapter starts.
 *
 * @param index its place, from 0
 * @param start its start, in seconds
 * @param end its end, in seconds
 * @param title its top keywords joined with " · ", or "Untitled" when it has none
 * @param wordCount how many words were recognised in it
 */
public record Chapter(int index, double start, double end, String title, int wordCount) {

  public Chapter {
    if (index < 0) {
      throw new IllegalArgumentException("chapter index " + index + " is negative");
    }
    if (!(start >= 0) || !(end >= start) || Double.isInfinite(end)) {
      throw new IllegalArgumentException("chapter " + index + " has bad timing " + start + ".." + end);
    }
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("chapter " + index + " has a title");
    }
    if (wordCount < 0) {
      throw new IllegalArgumentException("chapter " + index + " has " + wordCount + " words");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("index", index).put("start", start).put("end", end).put("title", title)
        .put("wordCount", wordCount);
  }

  public static Chapter fromJson(JsonObject json) {
    return new Chapter(JsonFields.integer(json, "chapter", "index"), JsonFields.number(json, "chapter", "start"),
        JsonFields.number(json, "chapter", "end"), JsonFields.string(json, "chapter", "title"),
        JsonFields.integer(json, "chapter", "wordCount"));
  }
}
