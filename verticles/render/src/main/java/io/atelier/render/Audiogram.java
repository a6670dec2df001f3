package io.atelier.render;

import io.atelier.contracts.render.AudiogramSpec;
import io.atelier.contracts.render.TranscodeSpec.Preset;
import io.atelier.jobs.JobControl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The {@code audiogram} kind: the sound drawn as it plays (ffmpeg's {@code showwaves}, or {@code showfreqs} for a
 * spectrum) across the middle of a plain background, the transcript's subtitles burned in, as an MP4 with the audio.
 */
final class Audiogram implements MediaRenderer {

  static final String FILE = "audiogram.mp4";

  private final Ffmpeg ffmpeg;

  Audiogram(Ffmpeg ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  @Override
  public List<Output> render(Input input, JobControl control) throws IOException, InterruptedException {
    AudiogramSpec spec = AudiogramSpec.from(input.params());
    MediaRenderer.requireAudio(input);
    int width = spec.size().width();
    int height = spec.size().height();
    // The visual spans the width, a third of the height, even-sized for 4:2:0.
    int visualHeight = height / 3 / 2 * 2;
    String size = width + "x" + visualHeight;
    String visual = switch (spec.visual()) {
      case WAVEFORM -> "showwaves=s=" + size + ":mode=cline:rate=" + SubtitledVideo.FRAME_RATE + ":colors="
          + spec.color() + ":draw=full";
      case SPECTRUM -> "showfreqs=s=" + size + ":mode=bar:ascale=log:fscale=log:win_size=2048:colors=" + spec.color()
          + ",fps=" + SubtitledVideo.FRAME_RATE;
    };
    String subtitles = spec.subtitles()
        ? "," + BurnedSubtitles.write(input.scratch(), input.transcript(), spec.style(), width, height) : "";
    String duration = String.format(Locale.ROOT, "%.3f", input.seconds());
    Path target = input.scratch().resolve(FILE);
    List<String> args = new java.util.ArrayList<>(List.of(
        "-f", "lavfi", "-i", "color=c=" + spec.background() + ":s=" + width + "x" + height + ":r="
            + SubtitledVideo.FRAME_RATE + ":d=" + duration,
        "-i", input.media().toString(),
        "-filter_complex", "[1:a:0]aformat=channel_layouts=mono," + visual + ",format=rgba[visual];"
            + "[0:v][visual]overlay=x=(W-w)/2:y=(H-h)/2:format=auto:eof_action=pass" + subtitles + "[picture]",
        "-map", "[picture]", "-map", "1:a:0"));
    args.addAll(Transcode.codecs(Preset.MP4));
    args.addAll(List.of("-y", target.toString()));
    ffmpeg.run(args, input.seconds(), control, input.scratch(), "draw an audiogram");
    return List.of(new Output(FILE, MediaRenderer.produced(target), Preset.MP4.contentType()));
  }
}
