package io.atelier.edge;

import io.atelier.database.Transcript;
import io.atelier.transcripts.Languages;
import io.atelier.transcripts.TimedWord;
import io.atelier.transcripts.TranscriptFormat;
import io.atelier.transcripts.TranscriptSegments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.DeflaterOutputStream;

/**
 * A transcript in the shapes of OpenAI's audio API ({@code response_format}). Fields an engine has no value for take
 * neutral values, the same for every engine (README "OpenAI-compatible transcription"): {@code tokens} is empty (the
 * engines here have no Whisper tokenizer), {@code seek} is the segment's start in Whisper's 10 ms frames,
 * {@code no_speech_prob} is 0 (a segment exists only where words were heard); {@code avg_logprob} is the mean natural
 * log of the segment's word confidences and {@code compression_ratio} its text's size over its zlib-compressed size,
 * as Whisper computes it.
 */
final class OpenAiTranscriptions {

  enum ResponseFormat {
    JSON("json"), TEXT("text"), SRT("srt"), VTT("vtt"), VERBOSE_JSON("verbose_json");

    final String wireName;

    ResponseFormat(String wireName) {
      this.wireName = wireName;
    }

    static Optional<ResponseFormat> of(String name) {
      return Arrays.stream(values()).filter(f -> f.wireName.equals(name)).findFirst();
    }

    static String names() {
      return String.join(", ", Arrays.stream(values()).map(f -> f.wireName).toList());
    }
  }

  enum Granularity {
    WORD("word"), SEGMENT("segment");

    final String wireName;

    Granularity(String wireName) {
      this.wireName = wireName;
    }

    static Optional<Granularity> of(String name) {
      return Arrays.stream(values()).filter(g -> g.wireName.equals(name)).findFirst();
    }
  }

  /** A response body and its content type. */
  record Body(String contentType, String text) {
  }

  private OpenAiTranscriptions() {
  }

  static Body render(Transcript transcript, ResponseFormat format, Set<Granularity> granularities, double temperature) {
    return switch (format) {
      case JSON -> json(new JsonObject().put("text", transcript.text()).put("usage", usage(transcript)));
      case TEXT -> new Body(TranscriptFormat.TXT.contentType(), TranscriptFormat.TXT.render(transcript, false));
      case SRT -> new Body(TranscriptFormat.SRT.contentType(), TranscriptFormat.SRT.render(transcript, false));
      case VTT -> new Body(TranscriptFormat.VTT.contentType(), TranscriptFormat.VTT.render(transcript, false));
      case VERBOSE_JSON -> json(verbose(transcript, granularities, temperature));
    };
  }

  /** {@code verbose_json}: segments always (what most tools read), words when {@code word} is asked for. */
  static JsonObject verbose(Transcript transcript, Set<Granularity> granularities, double temperature) {
    List<TimedWord> words = TranscriptFormat.words(transcript);
    JsonArray segments = new JsonArray();
    for (TranscriptSegments.Segment segment : TranscriptSegments.of(words)) {
      segments.add(new JsonObject()
          .put("id", segment.id())
          .put("seek", (int) Math.round(segment.start() * 100))
          .put("start", segment.start())
          .put("end", segment.end())
          // Whisper's segment texts start with a space, so that joining them gives the text.
          .put("text", " " + segment.text())
          .put("tokens", new JsonArray())
          .put("temperature", temperature)
          .put("avg_logprob", averageLogProbability(segment.words()))
          .put("compression_ratio", compressionRatio(segment.text()))
          .put("no_speech_prob", 0.0));
    }
    JsonObject body = new JsonObject()
        .put("task", "transcribe")
        .put("language", Languages.name(transcript.language()))
        .put("duration", transcript.durationSeconds())
        .put("text", transcript.text())
        .put("segments", segments);
    if (granularities.contains(Granularity.WORD)) {
      JsonArray timed = new JsonArray();
      words.forEach(w -> timed.add(new JsonObject().put("word", w.word()).put("start", w.start()).put("end", w.end())));
      body.put("words", timed);
    }
    return body.put("usage", usage(transcript));
  }

  private static JsonObject usage(Transcript transcript) {
    return new JsonObject().put("type", "duration").put("seconds", (long) Math.ceil(transcript.durationSeconds()));
  }

  private static double averageLogProbability(List<TimedWord> words) {
    double sum = 0;
    for (TimedWord word : words) {
      sum += Math.log(Math.max(1e-6, Math.min(1, word.confidence())));
    }
    return words.isEmpty() ? 0 : sum / words.size();
  }

  /** Whisper's {@code len(text_bytes) / len(zlib.compress(text_bytes))}, at zlib's default level as Python's. */
  static double compressionRatio(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (DeflaterOutputStream zlib = new DeflaterOutputStream(compressed)) {
      zlib.write(bytes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return compressed.size() == 0 ? 0 : bytes.length / (double) compressed.size();
  }

  private static Body json(JsonObject body) {
    return new Body("application/json", body.encode());
  }
}
