package io.atelier.render;

import io.atelier.contracts.render.SubtitleStyle;
import io.atelier.database.Transcript;
import io.atelier.transcripts.SubtitleWriter;
import io.atelier.transcripts.TranscriptFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A transcript's subtitles as an Advanced SubStation Alpha script for ffmpeg's {@code ass} filter (libass): the cues
 * the SRT and WebVTT renderings have, in the style the params ask for, laid out for the picture's size.
 */
final class BurnedSubtitles {

  /** The script's name in the attempt's folder, where ffmpeg runs: a bare name needs no filter escaping. */
  static final String FILE = "subtitles.ass";
  private static final int REFERENCE_HEIGHT = 1080;

  private BurnedSubtitles() {
  }

  /** Writes the script into {@code folder}; the filter that burns it in. */
  static String write(Path folder, Transcript transcript, SubtitleStyle style, int width, int height)
      throws IOException {
    Files.writeString(folder.resolve(FILE), script(SubtitleWriter.cues(TranscriptFormat.words(transcript)), style,
        width, height), StandardCharsets.UTF_8);
    return "ass=" + FILE;
  }

  static String script(List<SubtitleWriter.Cue> cues, SubtitleStyle style, int width, int height) {
    double scale = (double) height / REFERENCE_HEIGHT;
    long size = Math.round(style.fontSize() * scale);
    long outline = Math.max(1, Math.round(style.fontSize() / 18.0 * scale));
    long margin = Math.round(height * 0.06);
    int alignment = switch (style.position()) {
      case BOTTOM -> 2;
      case MIDDLE -> 5;
      case TOP -> 8;
    };
    StringBuilder out = new StringBuilder()
        .append("[Script Info]\nScriptType: v4.00+\nPlayResX: ").append(width).append("\nPlayResY: ").append(height)
        // Smart wrapping: a line the cue splitter kept is wrapped again only when the picture is too narrow for it.
        .append("\nWrapStyle: 0\nScaledBorderAndShadow: yes\n\n")
        .append("[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
            + "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
            + "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n")
        .append("Style: Default,").append(style.font().family()).append(',').append(size).append(',')
        .append(color(style.textColor())).append(',').append(color(style.textColor())).append(',')
        .append(color(style.outlineColor())).append(",&H80000000,0,0,0,0,100,100,0,0,1,").append(outline)
        .append(",0,").append(alignment).append(',').append(margin).append(',').append(margin).append(',')
        .append(margin).append(",1\n\n")
        .append("[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n");
    for (SubtitleWriter.Cue cue : cues) {
      out.append("Dialogue: 0,").append(time(cue.start())).append(',').append(time(cue.end()))
          .append(",Default,,0,0,0,,")
          .append(String.join("\\N", cue.lines().stream().map(BurnedSubtitles::text).toList())).append('\n');
    }
    return out.toString();
  }

  /** ASS colours are {@code &HAABBGGRR}, alpha 00 opaque. */
  static String color(String rgb) {
    return "&H00" + rgb.substring(5, 7) + rgb.substring(3, 5) + rgb.substring(1, 3);
  }

  /** {@code H:MM:SS.cc}, centiseconds. */
  static String time(double seconds) {
    long centis = Math.round(seconds * 100);
    return String.format(Locale.ROOT, "%d:%02d:%02d.%02d", centis / 360_000, centis / 6000 % 60, centis / 100 % 60,
        centis % 100);
  }

  /**
   * A line as libass shows it literally: braces open override blocks and a backslash starts an escape anywhere, so
   * they become their fullwidth look-alikes; line breaks inside a line cannot occur (the cue splitter made lines).
   */
  static String text(String line) {
    return line.replace('\\', '＼').replace('{', '｛').replace('}', '｝').replace('\n', ' ');
  }
}
