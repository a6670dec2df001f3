package io.atelier.render;

import io.atelier.contracts.render.SubtitledVideoSpec;
import io.atelier.contracts.render.TranscodeSpec.Preset;
import io.atelier.jobs.JobControl;
import io.atelier.media.MediaInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code subtitled-video} kind: the transcript's subtitles burned into the asset's video, as an MP4 (H.264 and
 * AAC). Audio gets a picture first: its cover art, fitted and centred, or else a plain background.
 */
final class SubtitledVideo implements MediaRenderer {

  static final String FILE = "subtitled.mp4";
  static final int FRAME_RATE = 25;

  private final Ffmpeg ffmpeg;

  SubtitledVideo(Ffmpeg ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  @Override
  public List<Output> render(Input input, JobControl control) throws IOException, InterruptedException {
    SubtitledVideoSpec spec = SubtitledVideoSpec.from(input.params());
    if (input.transcript() == null) {
      throw new IllegalStateException("a subtitled video needs its transcript");
    }
    Path target = input.scratch().resolve(FILE);
    MediaInfo.Stream video = input.video();
    List<String> args = new ArrayList<>();
    if (video != null) {
      String subtitles = BurnedSubtitles.write(input.scratch(), input.transcript(), spec.style(), video.width(),
          video.height());
      args.addAll(List.of("-i", input.media().toString(), "-map", "0:v:0", "-map", "0:a:0?",
          "-vf", Transcode.EVEN_DIMENSIONS + "," + subtitles));
    } else {
      int width = spec.size().width();
      int height = spec.size().height();
      String subtitles = BurnedSubtitles.write(input.scratch(), input.transcript(), spec.style(), width, height);
      Path cover = spec.coverArt() && hasCoverArt(input.info()) ? coverArt(input, control) : null;
      String duration = String.format(Locale.ROOT, "%.3f", input.seconds());
      if (cover != null) {
        args.addAll(List.of("-loop", "1", "-framerate", Integer.toString(FRAME_RATE), "-t", duration,
            "-i", cover.toString(), "-i", input.media().toString(), "-map", "0:v", "-map", "1:a:0",
            "-vf", "scale=" + width + ":" + height + ":force_original_aspect_ratio=decrease,pad=" + width + ":"
                + height + ":(ow-iw)/2:(oh-ih)/2:color=" + spec.background() + ",setsar=1," + subtitles));
      } else {
        args.addAll(List.of("-f", "lavfi", "-i", "color=c=" + spec.background() + ":s=" + width + "x" + height
                + ":r=" + FRAME_RATE + ":d=" + duration, "-i", input.media().toString(), "-map", "0:v",
            "-map", "1:a:0", "-vf", subtitles));
      }
      // A still picture: x264 spends its bits on the text that changes.
      args.addAll(List.of("-tune", "stillimage"));
    }
    args.addAll(Transcode.codecs(Preset.MP4));
    args.addAll(List.of("-y", target.toString()));
    ffmpeg.run(args, input.seconds(), control, input.scratch(), "burn subtitles into a video");
    return List.of(new Output(FILE, MediaRenderer.produced(target), Preset.MP4.contentType()));
  }

  static boolean hasCoverArt(MediaInfo info) {
    return info.streams().stream().anyMatch(s -> s.type().equals("attachment") && s.codec() != null
        && List.of("mjpeg", "png", "bmp", "webp", "gif").contains(s.codec()));
  }

  /** The recording's embedded picture, as a PNG in the attempt's folder. */
  private Path coverArt(Input input, JobControl control) throws IOException, InterruptedException {
    Path cover = input.scratch().resolve("cover.png");
    ffmpeg.run(List.of("-i", input.media().toString(), "-map", "0:v:0", "-frames:v", "1", "-update", "1", "-y",
        cover.toString()), 0, control, input.scratch(), "read the cover art");
    return Files.isRegularFile(cover) ? cover : null;
  }
}
