package io.atelier.render;

import io.atelier.contracts.render.WaveformSpec;
import io.atelier.jobs.JobControl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The {@code render} kind: the asset's audio drawn as one transparent PNG waveform. */
final class WaveformImage implements MediaRenderer {

  static final String FILE = "waveform.png";

  private final Ffmpeg ffmpeg;

  WaveformImage(Ffmpeg ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  @Override
  public List<Output> render(Input input, JobControl control) throws IOException, InterruptedException {
    WaveformSpec spec = WaveformSpec.from(input.params());
    MediaRenderer.requireAudio(input);
    Path target = input.scratch().resolve(FILE);
    ffmpeg.run(List.of("-i", input.media().toString(), "-filter_complex", filter(spec.width(), spec.height(),
        spec.color()), "-frames:v", "1", "-update", "1", "-y", target.toString()), input.seconds(), control,
        input.scratch(), "draw a waveform");
    return List.of(new Output(FILE, MediaRenderer.produced(target), "image/png"));
  }

  /** The ffmpeg filter drawing the whole file's first audio stream as one image. */
  static String filter(int width, int height, String color) {
    return "[0:a:0]aformat=channel_layouts=mono,showwavespic=s=" + width + "x" + height + ":colors=" + color;
  }
}
