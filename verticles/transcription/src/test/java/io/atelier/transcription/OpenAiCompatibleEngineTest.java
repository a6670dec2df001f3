package io.atelier.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** How an OpenAI-compatible server's answers are read; the engine itself is tested against a real one (launcher). */
class OpenAiCompatibleEngineTest {

  private static final TranscriptionRequest ANY = new TranscriptionRequest(null, null, null);

  @Test
  void wordsGetTheirSegmentsConfidenceAndTheLanguageItsCode() {
    SpeechEngine.Heard heard = OpenAiCompatibleEngine.parse(Buffer.buffer("""
        {"task":"transcribe","language":"english","duration":2.0,"text":"Hello there.",
         "segments":[{"id":0,"seek":0,"start":0.0,"end":1.9,"text":" Hello there.","tokens":[1,2],"temperature":0.0,
                      "avg_logprob":-0.105,"compression_ratio":0.8,"no_speech_prob":0.01}],
         "words":[{"word":" Hello","start":0.1,"end":0.5},{"word":"there.","start":0.6,"end":1.2},
                  {"word":" ","start":1.2,"end":1.2}]}"""), ANY);
    assertThat(heard.language()).isEqualTo("en");
    assertThat(heard.words()).hasSize(2);
    assertThat(heard.words().get(0).word()).isEqualTo("Hello");
    assertThat(heard.words().get(0).confidence()).isCloseTo(Math.exp(-0.105), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void silenceIsNoWords() {
    assertThat(OpenAiCompatibleEngine.parse(Buffer.buffer("{\"text\":\"\"}"), ANY).words()).isEmpty();
  }

  @Test
  void nonsenseIsRefusedSayingWhatIsWrong() {
    assertThatThrownBy(() -> OpenAiCompatibleEngine.parse(Buffer.buffer("<html>welcome</html>"), ANY))
        .isInstanceOf(io.vertx.core.json.DecodeException.class);
    assertThatThrownBy(() -> OpenAiCompatibleEngine.parse(Buffer.buffer("[1,2]"), ANY))
        .hasMessageContaining("not a transcription object");
    assertThatThrownBy(() -> OpenAiCompatibleEngine.parse(Buffer.buffer(""), ANY)).hasMessageContaining("empty");
    assertThatThrownBy(() -> OpenAiCompatibleEngine.parse(Buffer.buffer("{\"text\":\"words but no timings\"}"), ANY))
        .hasMessageContaining("no 'words'");
    assertThatThrownBy(() -> OpenAiCompatibleEngine.parse(Buffer.buffer(
        "{\"text\":\"a\",\"words\":[{\"word\":\"a\",\"start\":\"soon\",\"end\":1}]}"), ANY))
        .isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> OpenAiCompatibleEngine.parse(Buffer.buffer(
        "{\"text\":\"a\",\"words\":[{\"word\":\"a\",\"end\":1}]}"), ANY))
        .hasMessageContaining("words[0] has no start");
  }
}
