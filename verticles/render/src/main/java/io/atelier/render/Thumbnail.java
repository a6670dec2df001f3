package io.atelier.render;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.render.ThumbnailSpec;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code thumbnail} kind. A video gives the frame at the time asked for or, by default, a representative one:
 * ffmpeg's {@code thumbnail} filter picks, among the frames from a tenth into the video (at most 30 s in, past
 * openings that fade from black), the one closest to their average colours. Audio gives its waveform over a
 * background.
 */
final class Thumbnail implements MediaRenderer {

  /** Frames the representative one is chosen from (ffmpeg's default batch: 4 s at 25 frames/s). */
  private static final int CANDIDATE_FRAMES = 100;
  private static final double LATEST_START_SECONDS = 30;

  private final Ffmpeg ffmpeg;

  Thumbnail(Ffmpeg ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  @Override
  public List<Output> render(Input input, JobControl control) throws IOException, InterruptedException {
    ThumbnailSpec spec = ThumbnailSpec.from(input.params());
    boolean video = input.info().hasVideo();
    ThumbnailSpec.ImageFormat format = spec.formatFor(video);
    String name = "thumbnail." + format.extension();
    Path target = input.scratch().resolve(name);
    List<String> args = new ArrayList<>();
    if (video) {
      if (spec.time() != null && spec.time() >= input.seconds()) {
        throw new JobFailedException(ErrorCode.INVALID_INPUT, String.format(Locale.ROOT,
            "params.time %.3f s is not within the video, which lasts %.3f s", spec.time(), input.seconds()));
      }
      double start = spec.time() != null ? spec.time() : Math.min(input.seconds() / 10, LATEST_START_SECONDS);
      // Before -i: a fast seek to the keyframe before, then decoding up to the exact time.
      args.addAll(List.of("-ss", String.format(Locale.ROOT, "%.3f", start), "-i", input.media().toString(),
          "-map", "0:v:0", "-vf", (spec.time() == null ? "thumbnail=" + CANDIDATE_FRAMES + "," : "")
              + fitWithin(spec.width(), spec.height())));
    } else {
      MediaRenderer.requireAudio(input);
      String size = spec.width() + "x" + spec.height();
      args.addAll(List.of("-i", input.media().toString(), "-filter_complex",
          WaveformImage.filter(spec.width(), spec.height(), spec.color()) + "[wave];color=c=" + spec.background()
              + ":s=" + size + ":r=1:d=1[background];[background][wave]overlay=format=auto,format=rgb24"));
    }
    args.addAll(encoder(format));
    args.addAll(List.of("-frames:v", "1", "-update", "1", "-y", target.toString()));
    ffmpeg.run(args, video ? Math.min(input.seconds(), CANDIDATE_FRAMES / 25.0) : input.seconds(), control,
        input.scratch(), "make a thumbnail");
    return List.of(new Output(name, MediaRenderer.produced(target), format.contentType()));
  }

  /** Scales to fit within the box keeping the aspect ratio (square pixels first), never enlarging. */
  static String fitWithin(int width, int height) {
    return "scale=iw*sar:ih,scale=w='min(" + width + ",iw)':h='min(" + height + ",ih)'"
        + ":force_original_aspect_ratio=decrease,setsar=1";
  }

  private static List<String> encoder(ThumbnailSpec.ImageFormat format) {
    return switch (format) {
      case PNG -> List.of("-c:v", "png");
      case JPEG -> List.of("-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p");
      case WEBP -> List.of("-c:v", "libwebp", "-quality", "85");
    };
  }
}
