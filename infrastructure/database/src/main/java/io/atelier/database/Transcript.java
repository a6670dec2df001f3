package io.atelier.database;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The result of a transcription job.
 *
 * @param words {@code [{"word","start","end","confidence"}]}, times in seconds
 * @param files object-storage keys of the rendered forms, by format ({@code json}, {@code srt}, {@code vtt}, {@code txt})
 */
public record Transcript(UUID jobId, UUID projectId, UUID assetId, String engine, String language,
                         double durationSeconds, String text, JsonArray words, JsonObject files) {

  public JsonObject toApiJson() {
    return new JsonObject()
        .put("jobId", jobId.toString())
        .put("assetId", assetId.toString())
        .put("engine", engine)
        .put("language", language)
        .put("durationSeconds", durationSeconds)
        .put("text", text)
        .put("words", words);
  }
}
