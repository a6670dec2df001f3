package io.atelier.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real read speech with reference transcripts: the LibriVox clips of Debian's pocketsphinx-testdata package, and
 * other media formats made from them with ffmpeg at test time.
 */
final class SpeechSamples {

  static final Path LIBRIVOX = Path.of("/usr/share/pocketsphinx/test/data/librivox");

  record Sample(Path wav, String reference) {
  }

  private SpeechSamples() {
  }

  static List<Sample> librivox() throws IOException {
    Path transcription = LIBRIVOX.resolve("transcription");
    if (!Files.exists(transcription)) {
      throw new IllegalStateException(LIBRIVOX + " is missing: install Debian's pocketsphinx-testdata (the test "
          + "command's setup does this)");
    }
    Pattern line = Pattern.compile("<s>(.*)</s>\\s*\\((.+)\\)");
    List<Sample> samples = new ArrayList<>();
    for (String text : Files.readAllLines(transcription)) {
      Matcher m = line.matcher(text.trim());
      if (m.matches()) {
        samples.add(new Sample(LIBRIVOX.resolve(m.group(2) + ".wav"), m.group(1).trim()));
      }
    }
    return samples;
  }

  /** About a minute of real speech: the LibriVox clips three times over, long enough to act on mid-way. */
  static Path longRecording(Path dir) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sox"));
    for (int round = 0; round < 3; round++) {
      librivox().forEach(s -> command.add(s.wav().toString()));
    }
    Path out = dir.resolve("long.wav");
    command.add(out.toString());
    return run(command, out);
  }

  /** Runs ffmpeg with the given arguments after {@code -y -i input}, writing {@code output}. */
  static Path convert(Path input, Path output, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
    command.addAll(List.of("-i", input.toString()));
    command.addAll(List.of(arguments));
    command.add(output.toString());
    return run(command, output);
  }

  /** An H.264/AAC MP4 video: a plain picture with the speech as its sound track. */
  static Path videoWithSpeech(Path wav, Path output) throws IOException, InterruptedException {
    return run(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "color=c=navy:s=320x240:r=10", "-i", wav.toString(), "-shortest",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", output.toString()), output);
  }

  private static Path run(List<String> command, Path output) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("ffmpeg failed: " + command + "\n" + log);
    }
    return output;
  }
}
