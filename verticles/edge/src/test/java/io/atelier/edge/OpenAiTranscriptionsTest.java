package io.atelier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.Transcript;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiTranscriptionsTest {

  /** Whisper computes {@code len(text_bytes) / len(zlib.compress(text_bytes))}: the same figure from Python's zlib. */
  @Test
  void compressionRatioIsWhispersAsPythonsZlibComputesIt(@TempDir Path dir) throws Exception {
    List<String> texts = List.of("and mister john dashwood had then leisure to consider how much there might be",
        "he was not an ill disposed young man", "la la la la la la la la la la la la la la la la la la", "é ü ß 東京",
        "a");
    for (String text : texts) {
      Path file = Files.writeString(dir.resolve("text"), text, StandardCharsets.UTF_8);
      Process python = new ProcessBuilder("python3", "-c", "import sys, zlib; b = open(sys.argv[1], 'rb').read();"
          + " print(repr(len(b) / len(zlib.compress(b))))", file.toString()).redirectErrorStream(true).start();
      String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(OpenAiTranscriptions.compressionRatio(text)).as(text).isEqualTo(Double.parseDouble(printed));
    }
  }

  @Test
  void verboseJsonHasEverySegmentFieldAndWordsOnlyWhenAsked() {
    JsonArray words = new JsonArray()
        .add(word("hello", 0.2, 0.5, 0.9)).add(word("there", 0.6, 0.9, 1.0))
        .add(word("again", 3.0, 3.4, 0.5));
    Transcript transcript = new Transcript(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "vosk", "en", 4.25,
        "hello there again", words, new JsonObject());
    JsonObject plain = OpenAiTranscriptions.verbose(transcript, EnumSet.noneOf(OpenAiTranscriptions.Granularity.class),
        0.2);
    assertThat(plain.fieldNames()).containsExactlyInAnyOrder("task", "language", "duration", "text", "segments", "usage");
    assertThat(plain.getString("language")).isEqualTo("english");
    assertThat(plain.getJsonObject("usage")).isEqualTo(new JsonObject().put("type", "duration").put("seconds", 5L));
    JsonArray segments = plain.getJsonArray("segments");
    assertThat(segments).hasSize(2);
    JsonObject first = segments.getJsonObject(0);
    assertThat(first.fieldNames()).containsExactlyInAnyOrder("id", "seek", "start", "end", "text", "tokens",
        "temperature", "avg_logprob", "compression_ratio", "no_speech_prob");
    assertThat(first.getString("text")).isEqualTo(" hello there");
    assertThat(first.getInteger("seek")).isEqualTo(20);
    assertThat(first.getDouble("avg_logprob")).isEqualTo(Math.log(0.9) / 2);
    assertThat(first.getDouble("temperature")).isEqualTo(0.2);
    assertThat(segments.getJsonObject(1).getDouble("start")).isEqualTo(3.0);
    JsonObject withWords = OpenAiTranscriptions.verbose(transcript, EnumSet.of(OpenAiTranscriptions.Granularity.WORD),
        0.0);
    assertThat(withWords.getJsonArray("words").getJsonObject(2))
        .isEqualTo(new JsonObject().put("word", "again").put("start", 3.0).put("end", 3.4));
  }

  private static JsonObject word(String text, double start, double end, double confidence) {
    return new JsonObject().put("word", text).put("start", start).put("end", end).put("confidence", confidence);
  }
}
