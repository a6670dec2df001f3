package io.atelier.transcription;

import io.atelier.contracts.transcription.TranscriptionSpec;
import io.vertx.core.json.JsonObject;

/** What a transcription job asks of its engine, from the job's params (checked by {@link TranscriptionSpec}). */
record TranscriptionRequest(String language, String prompt, Double temperature) {

  static TranscriptionRequest of(JsonObject params) {
    TranscriptionSpec spec = TranscriptionSpec.from(params);
    return new TranscriptionRequest(spec.language(), spec.prompt(), spec.temperature());
  }
}
