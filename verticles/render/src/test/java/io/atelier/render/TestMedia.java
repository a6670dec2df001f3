package io.atelier.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.jobs.JobControl;
import io.atelier.media.MediaInfo;
import io.atelier.media.MediaProbe;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Real media made at test time with ffmpeg's test sources and espeak-ng, the renderers wired as the worker wires
 * them, and ffprobe to check what they made.
 */
final class TestMedia {

  static final Path SPEECH =
      Path.of("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav");
  static final RenderConfig.Timeouts TIMEOUTS = new RenderConfig.Timeouts(Duration.ofSeconds(60), 10);
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "test-ffmpeg-watchdog");
    thread.setDaemon(true);
    return thread;
  });

  private TestMedia() {
  }

  static Ffmpeg ffmpeg() {
    return ffmpeg(TIMEOUTS);
  }

  static Ffmpeg ffmpeg(RenderConfig.Timeouts timeouts) {
    return new Ffmpeg("ffmpeg", timeouts, WATCHDOG);
  }

  /** Runs a command line to its end; fails the test when it fails. */
  static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
    assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), output).isZero();
    return output;
  }

  /** ffmpeg making {@code target} from lavfi sources and options ({@code -f lavfi -i} before each source). */
  static Path generate(Path target, List<String> sources, String... options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
    for (String source : sources) {
      command.addAll(List.of("-f", "lavfi", "-i", source));
    }
    command.addAll(List.of(options));
    command.add(target.toString());
    run(command.toArray(String[]::new));
    return target;
  }

  /** Six seconds of H.264 and AAC: two seconds of black, then ffmpeg's moving colour test pattern, a tone over it. */
  static Path videoWithBlackOpening(Path folder) throws IOException, InterruptedException {
    return generate(folder.resolve("video.mp4"), List.of("color=c=black:s=640x360:r=25:d=2",
            "testsrc2=s=640x360:r=25:d=4", "sine=f=440:d=6:sample_rate=48000"),
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map", "2:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest");
  }

  /** Stereo audio whose channels differ: a loud 440 Hz tone left, a quiet 1 kHz tone right, 16-bit WAV. */
  static Path stereoTones(Path folder, double seconds) throws IOException, InterruptedException {
    return generate(folder.resolve("stereo.wav"), List.of("sine=f=440:d=" + seconds + ":sample_rate=44100",
            "sine=f=1000:d=" + seconds + ":sample_rate=44100"),
        // ffmpeg's sine source is at 1/8 of full scale: 7.2 and 1.6 make 0.9 and 0.2.
        "-filter_complex", "[0:a]volume=7.2[l];[1:a]volume=1.6[r];[l][r]join=inputs=2:channel_layout=stereo[a]",
        "-map", "[a]", "-c:a", "pcm_s16le");
  }

  /** A spoken sentence from espeak-ng, as a WAV file. */
  static Path speech(Path folder, String text) throws IOException, InterruptedException {
    Path wav = folder.resolve("speech.wav");
    run("espeak-ng", "-w", wav.toString(), text);
    return wav;
  }

  static MediaInfo probe(Path media) throws Exception {
    return new MediaProbe(Duration.ofSeconds(30)).probe(media.toString());
  }

  static MediaRenderer.Input input(Path media, Path scratch, JsonObject params) throws Exception {
    Files.createDirectories(scratch);
    return new MediaRenderer.Input(media, probe(media), scratch, params);
  }

  static List<MediaRenderer.Output> render(MediaRenderer renderer, Path media, Path scratch, JsonObject params)
      throws Exception {
    return renderer.render(input(media, scratch, params), JobControl.detached());
  }

  /** ffprobe's view of a file: format and streams as JSON. */
  static JsonObject ffprobe(Path file) throws IOException, InterruptedException {
    return new JsonObject(run("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
        file.toString()));
  }

  /** The ffmpeg processes whose command line names {@code path}: none once a render has ended. */
  static List<ProcessHandle> ffmpegWorkingOn(Path path) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("ffmpeg") && c.contains(path.toString()))
            .orElse(false))
        .filter(ProcessHandle::isAlive)
        .toList();
  }
}
