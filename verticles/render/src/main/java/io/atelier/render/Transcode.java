package io.atelier.render;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.render.TranscodeSpec;
import io.atelier.contracts.render.TranscodeSpec.Preset;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code transcode} kind: the asset in one preset's format. Audio presets take the first audio stream (a video's
 * picture is dropped); video presets need a video stream and take the first video and audio streams. Loudness
 * normalisation is ffmpeg's {@code loudnorm} (EBU R128) in one pass, resampled back to the input's rate (loudnorm
 * works at 192 kHz).
 */
final class Transcode implements MediaRenderer {

  /** 4:2:0 video needs even dimensions: an odd one loses its last row or column. */
  static final String EVEN_DIMENSIONS = "scale=trunc(iw/2)*2:trunc(ih/2)*2";

  private final Ffmpeg ffmpeg;

  Transcode(Ffmpeg ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  @Override
  public List<Output> render(Input input, JobControl control) throws IOException, InterruptedException {
    TranscodeSpec spec = TranscodeSpec.from(input.params());
    Preset preset = spec.preset();
    boolean audio = input.info().hasAudio();
    if (preset.video() && !input.info().hasVideo()) {
      throw new JobFailedException(ErrorCode.INVALID_INPUT, "preset " + preset.wireName() + " makes a video, and the "
          + "asset has no video stream (its audio can be transcoded to mp3, opus, aac or wav)");
    }
    if (!preset.video() && !audio) {
      throw new JobFailedException(ErrorCode.INVALID_INPUT, "preset " + preset.wireName() + " makes audio, and the "
          + "asset has no audio stream");
    }
    String name = "media." + preset.extension();
    Path target = input.scratch().resolve(name);
    List<String> args = new ArrayList<>(List.of("-i", input.media().toString()));
    if (preset.video()) {
      args.addAll(List.of("-map", "0:v:0", "-map", "0:a:0?", "-vf", EVEN_DIMENSIONS));
    } else {
      args.addAll(List.of("-map", "0:a:0", "-vn"));
    }
    if (spec.loudnorm() && audio) {
      int rate = input.info().streams().stream().filter(s -> s.type().equals("audio")).findFirst()
          .map(s -> s.sampleRate()).filter(r -> r != null && r > 0).orElse(48_000);
      args.addAll(List.of("-af", String.format(Locale.ROOT, "loudnorm=I=%.1f:TP=-1.5:LRA=11", spec.loudness()),
          "-ar", Integer.toString(preset == Preset.OPUS || preset == Preset.WEBM ? 48_000 : rate)));
    }
    args.addAll(codecs(preset));
    args.addAll(List.of("-map_metadata", "0", "-y", target.toString()));
    ffmpeg.run(args, input.seconds(), control, input.scratch(), "transcode to " + preset.wireName());
    return List.of(new Output(name, MediaRenderer.produced(target), preset.contentType()));
  }

  /** Each preset's codecs and settings: common, widely playable choices. */
  static List<String> codecs(Preset preset) {
    return switch (preset) {
      // VBR about 190 kbit/s, LAME's "standard" quality.
      case MP3 -> List.of("-c:a", "libmp3lame", "-q:a", "2");
      case OPUS -> List.of("-c:a", "libopus", "-b:a", "96k");
      case AAC -> List.of("-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart");
      case WAV -> List.of("-c:a", "pcm_s16le");
      // Yuv420p (with EVEN_DIMENSIONS) so every player shows it; fast start for progressive download.
      case MP4 -> List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
          "-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart");
      case WEBM -> List.of("-c:v", "libvpx-vp9", "-crf", "33", "-b:v", "0", "-deadline", "good", "-cpu-used", "4",
          "-row-mt", "1", "-pix_fmt", "yuv420p", "-c:a", "libopus", "-b:a", "96k");
    };
  }
}
