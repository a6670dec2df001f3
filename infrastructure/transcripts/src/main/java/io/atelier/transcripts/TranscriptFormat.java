package io.atelier.transcripts;

import io.atelier.database.Transcript;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The forms a transcript is handed out in: its JSON, SubRip and WebVTT subtitles, and plain text. */
public enum TranscriptFormat {
  JSON("json", "application/json"),
  SRT("srt", "application/x-subrip; charset=utf-8"),
  VTT("vtt", "text/vtt; charset=utf-8"),
  TXT("txt", "text/plain; charset=utf-8");

  private final String extension;
  private final String contentType;

  TranscriptFormat(String extension, String contentType) {
    this.extension = extension;
    this.contentType = contentType;
  }

  public String extension() {
    return extension;
  }

  public String contentType() {
    return contentType;
  }

  /** The transcript in this form; {@code edited} says whether it is as people have edited it. */
  public String render(Transcript transcript, boolean edited) {
    return switch (this) {
      case JSON -> apiJson(transcript, edited).encodePrettily();
      case SRT -> SubtitleWriter.srt(words(transcript));
      case VTT -> SubtitleWriter.vtt(words(transcript));
      case TXT -> transcript.text() + "\n";
    };
  }

  /**
   * The transcript as the API shows it: its words, and its segments ({@code [{id, start, end, text, words}]}, where
   * {@code words} counts the segment's words, which follow each other in {@code words}).
   */
  public static JsonObject apiJson(Transcript transcript, boolean edited) {
    JsonArray segments = new JsonArray();
    for (TranscriptSegments.Segment segment : TranscriptSegments.of(words(transcript))) {
      segments.add(new JsonObject().put("id", segment.id()).put("start", segment.start())
          .put("end", segment.end()).put("text", segment.text()).put("words", segment.words().size()));
    }
    return transcript.toApiJson().put("segments", segments).put("edited", edited);
  }

  public static Optional<TranscriptFormat> fromExtension(String extension) {
    return Arrays.stream(values()).filter(f -> f.extension.equals(extension)).findFirst();
  }

  /** The transcript's timed words. */
  public static List<TimedWord> words(Transcript transcript) {
    List<TimedWord> words = new ArrayList<>();
    for (int i = 0; i < transcript.words().size(); i++) {
      words.add(TimedWord.fromJson(transcript.words().getJsonObject(i)));
    }
    return words;
  }
}
