package io.atelier.contracts.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.contracts.render.InvalidParamException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A transcription runs with no params; every bad one is refused at submission, naming it. */
class TranscriptionSpecTest {

  @Test
  void noParamsAreNeededAndTheGivenOnesComeBackAsGiven() {
    assertThat(TranscriptionSpec.from(new JsonObject())).isEqualTo(new TranscriptionSpec(null, null, null, null));
    JsonObject params = new JsonObject().put("language", "en").put("prompt", "Dashwood, Norland").put("temperature", 0.2)
        .put("model", "whisper-1");
    TranscriptionSpec spec = TranscriptionSpec.from(params);
    assertThat(spec).isEqualTo(new TranscriptionSpec("en", "Dashwood, Norland", 0.2, "whisper-1"));
    assertThat(spec.toParams()).isEqualTo(params);
    assertThat(TranscriptionSpec.from(new JsonObject().put("temperature", 1)).temperature()).isEqualTo(1.0);
    assertThat(TranscriptionSpec.from(new JsonObject().put("prompt", "x".repeat(TranscriptionSpec.MAX_PROMPT_CHARS)))
        .prompt()).hasSize(TranscriptionSpec.MAX_PROMPT_CHARS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"lang\":\"en\"}             | lang        | is not a param of transcription (its params: language, prompt, temperature, model)",
      "{\"language\":\"english\"}    | language    | must be an ISO-639-1 language code such as 'en'",
      "{\"language\":\"EN\"}         | language    | must be an ISO-639-1 language code such as 'en'",
      "{\"language\":\"e1\"}         | language    | must be an ISO-639-1 language code such as 'en'",
      "{\"language\":7}              | language    | must be an ISO-639-1 language code such as 'en'",
      "{\"temperature\":1.5}         | temperature | must be a number from 0 to 1",
      "{\"temperature\":-0.1}        | temperature | must be a number from 0 to 1",
      "{\"temperature\":\"0.2\"}     | temperature | must be a number from 0 to 1",
      "{\"prompt\":[\"a\"]}          | prompt      | must be a string of at most 4096 characters",
      "{\"model\":true}              | model       | must be a string of at most 128 characters"})
  void aBadParamIsRefusedNamingIt(String params, String field, String rule) {
    assertThatThrownBy(() -> TranscriptionSpec.from(new JsonObject(params)))
        .isInstanceOfSatisfying(InvalidParamException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.rule()).isEqualTo(rule);
        });
  }

  @Test
  void aPromptOverTheLimitIsRefused() {
    assertThatThrownBy(() -> TranscriptionSpec.from(new JsonObject().put("prompt",
        "x".repeat(TranscriptionSpec.MAX_PROMPT_CHARS + 1))))
        .isInstanceOfSatisfying(InvalidParamException.class, e -> assertThat(e.field()).isEqualTo("prompt"));
  }
}
