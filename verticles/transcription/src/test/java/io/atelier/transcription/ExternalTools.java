package io.atelier.transcription;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real command-line tools (ffmpeg, ffprobe, sox) the tests compare against. */
final class ExternalTools {

  static final Path LIBRIVOX = Path.of("/usr/share/pocketsphinx/test/data/librivox");

  private ExternalTools() {
  }

  /** A real 16 kHz mono 16-bit speech clip (about 3 s). */
  static Path speechClip() {
    Path wav = LIBRIVOX.resolve("sense_and_sensibility_01_austen_64kb-0880.wav");
    if (!Files.isRegularFile(wav)) {
      throw new IllegalStateException(wav + " is missing: install Debian's pocketsphinx-testdata");
    }
    return wav;
  }

  /** Runs {@code command} to completion and returns its standard output; fails on a non-zero exit. */
  static byte[] run(String... command) throws IOException, InterruptedException {
    Path errors = Files.createTempFile("external-tool-", ".log");
    try {
      Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      process.getOutputStream().close();
      byte[] out;
      try (InputStream in = process.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("exit " + process.exitValue() + " from " + String.join(" ", command) + ":\n"
            + Files.readString(errors));
      }
      return out;
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  static String runText(String... command) throws IOException, InterruptedException {
    return new String(run(command), StandardCharsets.UTF_8);
  }

  /** {@code ffmpeg -y -i input <arguments> output}, quietly. */
  static Path ffmpeg(Path input, Path output, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-i", input.toString()));
    command.addAll(List.of(arguments));
    command.add(output.toString());
    run(command.toArray(String[]::new));
    return output;
  }
}
