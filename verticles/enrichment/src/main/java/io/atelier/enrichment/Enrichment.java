package io.atelier.enrichment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What enrichment learns from a transcript.
 *
 * @param keywords up to ten keywords, best first
 * @param summary a few of the transcript's sentences, in spoken order; empty when nothing was said
 * @param chapters the chapters, in order, covering the speech from its first word to its last
 */
public record Enrichment(List<Keyword> keywords, String summary, List<Chapter> chapters) {

  public static final Enrichment EMPTY = new Enrichment(List.of(), "", List.of());

  public Enrichment {
    keywords = List.copyOf(keywords);
    if (summary == null) {
      throw new IllegalArgumentException("an enrichment has a summary, empty if need be");
    }
    chapters = List.copyOf(chapters);
  }

  public JsonObject toJson() {
    JsonArray keywordsJson = new JsonArray();
    keywords.forEach(k -> keywordsJson.add(k.toJson()));
    JsonArray chaptersJson = new JsonArray();
    chapters.forEach(c -> chaptersJson.add(c.toJson()));
    return new JsonObject().put("keywords", keywordsJson).put("summary", summary).put("chapters", chaptersJson);
  }

  public static Enrichment fromJson(JsonObject json) {
    JsonArray keywordsJson = JsonFields.array(json, "enrichment", "keywords");
    List<Keyword> keywords = new ArrayList<>();
    for (int i = 0; i < keywordsJson.size(); i++) {
      keywords.add(Keyword.fromJson(JsonFields.object(keywordsJson, "keywords", i)));
    }
    JsonArray chaptersJson = JsonFields.array(json, "enrichment", "chapters");
    List<Chapter> chapters = new ArrayList<>();
    for (int i = 0; i < chaptersJson.size(); i++) {
      chapters.add(Chapter.fromJson(JsonFields.object(chaptersJson, "chapters", i)));
    }
    return new Enrichment(keywords, JsonFields.string(json, "enrichment", "summary"), chapters);
  }
}
