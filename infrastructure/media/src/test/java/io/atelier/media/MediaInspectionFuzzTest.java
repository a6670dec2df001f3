package io.atelier.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of the whole inspection, sniffing and then ffprobe, on mutated real files: short
 * recordings made here with ffmpeg (WAV, MP3, FLAC, Ogg Vorbis, M4A, MP4, WebM), then cut short, overwritten at
 * places the fuzzer picks, or grown. Whatever the bytes, a file is taken with a description that makes sense (a
 * positive, finite duration, an audio or video stream, sane channels, rates and sizes) or refused with a reason;
 * nothing else comes out. Each input runs ffprobe, so a run tries hundreds of files, not millions.
 */
class MediaInspectionFuzzTest {

  private static final List<byte[]> RECORDINGS = new ArrayList<>();
  private static final MediaInspection INSPECTION = new MediaInspection(Duration.ofSeconds(20));
  private static final Path FOLDER;

  static {
    try {
      FOLDER = Files.createTempDirectory("media-inspection-fuzz");
      FOLDER.toFile().deleteOnExit();
      String tone = "sine=frequency=440:duration=0.3";
      make("a.wav", "-f", "lavfi", "-i", tone);
      make("a.mp3", "-f", "lavfi", "-i", tone, "-b:a", "32k");
      make("a.flac", "-f", "lavfi", "-i", tone);
      make("a.ogg", "-f", "lavfi", "-i", tone, "-c:a", "libvorbis");
      make("a.m4a", "-f", "lavfi", "-i", tone, "-c:a", "aac", "-b:a", "32k");
      make("v.mp4", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=0.3", "-f", "lavfi", "-i", tone,
          "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest");
      make("v.webm", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=0.3", "-c:v", "libvpx",
          "-deadline", "realtime");
    } catch (IOException | InterruptedException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static void make(String name, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
    command.addAll(List.of(arguments));
    Path file = FOLDER.resolve(name);
    command.add(file.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
    RECORDINGS.add(Files.readAllBytes(file));
    Files.delete(file);
  }

  @FuzzTest(maxDuration = "5s")
  void anyMutationOfARealRecordingIsDescribedOrRefused(FuzzedDataProvider data) throws IOException {
    byte[] file = mutated(data);
    Path path = Files.write(FOLDER.resolve("input"), file);
    byte[] head = java.util.Arrays.copyOf(file, Math.min(file.length, MediaSniffer.HEAD_BYTES));
    MediaInspection.Result result = INSPECTION.inspect(head, path::toString, type -> null);
    if (result.refused()) {
      assertThat(result.refusal()).isNotBlank();
      assertThat(result.media()).isNull();
      return;
    }
    MediaInfo media = result.media();
    assertThat(result.contentType()).isNotBlank();
    assertThat(media.durationSeconds()).isPositive().isFinite();
    assertThat(media.hasAudio() || media.hasVideo()).isTrue();
    for (MediaInfo.Stream stream : media.streams()) {
      assertThat(stream.type()).isNotBlank();
      if (stream.channels() != null) {
        assertThat(stream.channels()).isPositive();
      }
      if (stream.sampleRate() != null) {
        assertThat(stream.sampleRate()).isNotNegative();
      }
      if (stream.width() != null) {
        assertThat(stream.width()).isNotNegative();
      }
    }
  }

  /** A real recording, cut, overwritten at up to 16 places and perhaps grown, as the fuzzer's bytes say. */
  private static byte[] mutated(FuzzedDataProvider data) {
    byte[] original = RECORDINGS.get(data.consumeInt(0, RECORDINGS.size() - 1));
    int length = data.consumeBoolean() ? original.length : data.consumeInt(0, original.length);
    byte[] file = java.util.Arrays.copyOf(original, length);
    int patches = data.consumeInt(0, 16);
    for (int i = 0; i < patches && file.length > 0; i++) {
      int at = data.consumeInt(0, file.length - 1);
      byte[] bytes = data.consumeBytes(8);
      System.arraycopy(bytes, 0, file, at, Math.min(bytes.length, file.length - at));
    }
    byte[] tail = data.consumeRemainingAsBytes();
    if (tail.length == 0) {
      return file;
    }
    byte[] grown = java.util.Arrays.copyOf(file, file.length + tail.length);
    System.arraycopy(tail, 0, grown, file.length, tail.length);
    return grown;
  }
}
