package io.atelier.contracts.transcription;

import io.atelier.contracts.render.InvalidParamException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A transcription job's params, all optional: {@code language} (the recording's language as an ISO-639-1 code; an
 * engine that does not know it refuses the job), {@code prompt} (text that guides engines that take one, such as
 * Whisper; others ignore it), {@code temperature} (0 to 1, for sampling engines; others ignore it) and {@code model}
 * (the engine name the request asked for, as the OpenAI-compatible endpoint records it).
 */
public record TranscriptionSpec(String language, String prompt, Double temperature, String model) {

  public static final List<String> PARAMS = List.of("language", "prompt", "temperature", "model");
  /** OpenAI's own limit on a prompt is 224 tokens; this bounds the bytes a job row carries. */
  public static final int MAX_PROMPT_CHARS = 4096;

  public static TranscriptionSpec from(JsonObject params) {
    for (String name : params.fieldNames()) {
      if (!PARAMS.contains(name)) {
        throw new InvalidParamException(name, "is not a param of transcription (its params: "
            + String.join(", ", PARAMS) + ")");
      }
    }
    Object languageValue = params.getValue("language");
    if (languageValue != null && !(languageValue instanceof String code && code.matches("[a-z]{2,3}"))) {
      throw new InvalidParamException("language", "must be an ISO-639-1 language code such as 'en'");
    }
    String language = (String) languageValue;
    String prompt = text(params, "prompt", MAX_PROMPT_CHARS);
    Object temperature = params.getValue("temperature");
    if (temperature != null && (!(temperature instanceof Number n) || !Double.isFinite(n.doubleValue())
        || n.doubleValue() < 0 || n.doubleValue() > 1)) {
      throw new InvalidParamException("temperature", "must be a number from 0 to 1");
    }
    String model = text(params, "model", 128);
    return new TranscriptionSpec(language, prompt,
        temperature == null ? null : ((Number) temperature).doubleValue(), model);
  }

  /** The params that ask for this spec (absent fields left out). */
  public JsonObject toParams() {
    JsonObject params = new JsonObject();
    if (language != null) {
      params.put("language", language);
    }
    if (prompt != null) {
      params.put("prompt", prompt);
    }
    if (temperature != null) {
      params.put("temperature", temperature);
    }
    if (model != null) {
      params.put("model", model);
    }
    return params;
  }

  private static String text(JsonObject params, String field, int maxChars) {
    Object value = params.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.length() > maxChars) {
      throw new InvalidParamException(field, "must be a string of at most " + maxChars + " characters");
    }
    return s;
  }
}
