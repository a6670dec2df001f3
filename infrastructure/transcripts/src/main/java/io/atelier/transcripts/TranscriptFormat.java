package io.atelier.transcripts;

import io.atelier.database.Transcript;
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
      case JSON -> transcript.toApiJson().put("edited", edited).encodePrettily();
      case SRT -> SubtitleWriter.srt(words(transcript));
      case VTT -> SubtitleWriter.vtt(words(transcript));
      case TXT -> transcript.text() + "\n";
    };
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
