package io.atelier.render;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.WaveformSpec;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/** Draws a media file's audio as a PNG waveform with ffmpeg. Blocking: runs on a worker thread. */
final class WaveformRenderer {

  private static final long TIMEOUT_SECONDS = 600;

  private final String ffmpeg;

  WaveformRenderer(String ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  /** Renders {@code media}'s waveform into {@code target}; stops ffmpeg when the job is told to stop. */
  Path render(Path media, Path target, WaveformSpec spec, JobControl control) throws IOException, InterruptedException {
    Path errors = Files.createTempFile(target.getParent(), "ffmpeg-", ".log");
    Process process = new ProcessBuilder(List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error",
        "-i", media.toString(), "-filter_complex", filter(spec), "-frames:v", "1", "-y", target.toString()))
        .redirectError(errors.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
        if (control.isCancelRequested()) {
          throw new CancellationException("render cancelled");
        }
        if (System.nanoTime() > deadline) {
          throw new JobFailedException(ErrorCode.INTERNAL, "ffmpeg did not finish the waveform within "
              + TIMEOUT_SECONDS + " s");
        }
      }
      if (process.exitValue() != 0 || !Files.isRegularFile(target) || Files.size(target) == 0) {
        String log = Files.readString(errors, StandardCharsets.UTF_8).strip();
        // ffmpeg refuses the input itself (no audio stream, undecodable bytes): running again cannot help.
        throw new JobFailedException(ErrorCode.CORRUPT_MEDIA, "ffmpeg could not draw a waveform: "
            + (log.isEmpty() ? "exit " + process.exitValue() : lastLine(log)));
      }
      return target;
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(errors);
    }
  }

  private static String lastLine(String log) {
    String[] lines = log.split("\n");
    String last = lines[lines.length - 1].strip();
    return last.length() > 300 ? last.substring(0, 300) : last;
  }

  /** The ffmpeg filter drawing the whole file's first audio stream as one image. */
  static String filter(WaveformSpec spec) {
    return "[0:a:0]aformat=channel_layouts=mono,showwavespic=s=" + spec.width() + "x" + spec.height() + ":colors="
        + spec.color();
  }
}
