package io.atelier.transcription;

import io.atelier.contracts.ErrorCode;
import io.atelier.jobs.JobFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Decodes any media file's first audio stream to 16 kHz mono 16-bit PCM with ffmpeg, streaming it to a sink. */
final class FfmpegAudioDecoder {

  static final int SAMPLE_RATE = 16_000;

  /** Receives decoded PCM in chunks. */
  @FunctionalInterface
  interface PcmSink {
    void accept(byte[] buffer, int length);
  }

  private final String ffmpeg;

  FfmpegAudioDecoder(String ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  /** Decodes {@code media} into {@code sink}; returns the number of PCM bytes. Blocking. */
  long decode(Path media, Path scratch, PcmSink sink) throws IOException, InterruptedException {
    Path errors = Files.createTempFile(scratch, "ffmpeg-", ".log");
    try {
      Process process = new ProcessBuilder(List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error",
          "-i", media.toString(), "-map", "0:a:0", "-vn", "-ac", "1", "-ar", Integer.toString(SAMPLE_RATE),
          "-acodec", "pcm_s16le", "-f", "s16le", "pipe:1"))
          .redirectError(errors.toFile())
          .start();
      process.getOutputStream().close();
      long total = 0;
      byte[] buffer = new byte[8192];
      int carried = 0;
      try (InputStream pcm = process.getInputStream()) {
        int n;
        while ((n = pcm.read(buffer, carried, buffer.length - carried)) > 0) {
          int available = carried + n;
          // A pipe read may split a 16-bit sample; hand over whole samples and carry the odd byte to the next read.
          int whole = available & ~1;
          if (whole > 0) {
            sink.accept(buffer, whole);
          }
          total += whole;
          carried = available - whole;
          if (carried == 1) {
            buffer[0] = buffer[whole];
          }
        }
      } catch (RuntimeException | IOException e) {
        stop(process);
        throw e;
      }
      int exit;
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
          throw new JobFailedException(ErrorCode.CORRUPT_MEDIA, "ffmpeg did not finish after its output ended");
        }
        exit = process.exitValue();
      } catch (InterruptedException e) {
        stop(process);
        throw e;
      }
      if (exit != 0) {
        String reason = lastLine(errors, media.toString());
        throw new JobFailedException(ErrorCode.CORRUPT_MEDIA, Files.readString(errors).contains("matches no streams")
            ? "the file has no audio stream"
            : "ffmpeg cannot decode the audio: " + reason);
      }
      if (total == 0) {
        throw new JobFailedException(ErrorCode.CORRUPT_MEDIA, "the file holds no decodable audio");
      }
      return total;
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  /** Kills ffmpeg and waits for it to go, so that a stopped decode leaves no process behind reading the scratch files. */
  private static void stop(Process process) {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String lastLine(Path log, String mediaPath) throws IOException {
    List<String> lines = Files.readAllLines(log).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.isEmpty()) {
      return "no diagnostic";
    }
    // ffmpeg prefixes messages with the input's path, a scratch file that means nothing to the caller.
    return lines.get(lines.size() - 1).replace(mediaPath + ": ", "");
  }
}
