package io.atelier.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.contracts.ErrorCode;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ffmpeg run as renders run it: progress, cancellation, a timeout and its errors, on real files. */
class FfmpegTest {

  @TempDir
  Path work;

  /** An ffmpeg that reads its input at its real rate: 60 s of input take 60 s, long enough to be stopped. */
  private static List<String> slowCopy(Path input, Path output) {
    return List.of("-re", "-i", input.toString(), "-c:a", "pcm_s16le", "-y", output.toString());
  }

  @Test
  void progressIsReportedAsTheFractionOfTheInputDone() throws Exception {
    Path tones = TestMedia.stereoTones(work, 120);
    List<Double> reports = new CopyOnWriteArrayList<>();
    JobControl control = JobControl.standalone((fraction, step) -> reports.add(fraction));
    // Encoding at about twice real time at most: several one-second reports.
    TestMedia.ffmpeg().run(List.of("-i", tones.toString(), "-af", "aresample=8000,aresample=96000", "-c:a", "flac",
        "-y", work.resolve("out.flac").toString()), 120, control, work, "transcode");

    assertThat(reports).as("progress reports").isNotEmpty().isSorted();
    assertThat(reports).allSatisfy(f -> assertThat(f).isBetween(0.0, 1.0));
  }

  @Test
  void cancellingKillsFfmpegAtOnce() throws Exception {
    Path input = TestMedia.stereoTones(work, 60);
    Path output = work.resolve("copy.wav");
    JobControl control = JobControl.standalone((fraction, step) -> { });
    CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
      try {
        TestMedia.ffmpeg().run(slowCopy(input, output), 60, control, work, "copy");
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    waitUntilRunning(output);
    long asked = System.nanoTime();
    control.requestCancel();

    assertThatThrownBy(() -> run.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("time from cancel to stopped")
        .isLessThan(Duration.ofSeconds(2));
    assertThat(TestMedia.ffmpegWorkingOn(output)).as("ffmpeg processes left").isEmpty();
  }

  @Test
  void aHungFfmpegIsKilledByTheTimeoutItsInputsDurationGives() throws Exception {
    Path input = TestMedia.stereoTones(work, 60);
    Path output = work.resolve("copy.wav");
    // 1 s plus 0.02 s per input second: 2.2 s for a minute, a run of 60 s is "hung".
    Ffmpeg ffmpeg = TestMedia.ffmpeg(new RenderConfig.Timeouts(Duration.ofSeconds(1), 0.02));
    long started = System.nanoTime();

    assertThatThrownBy(() -> ffmpeg.run(slowCopy(input, output), 60, JobControl.detached(), work, "copy"))
        .isInstanceOfSatisfying(JobFailedException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
          assertThat(e.getMessage()).contains("within 2 s", "60 s of input");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(2000),
        Duration.ofSeconds(6));
    assertThat(TestMedia.ffmpegWorkingOn(output)).as("ffmpeg processes left").isEmpty();
  }

  @Test
  void corruptInputFailsWithFfmpegsLastErrorLinesAndNoPaths() throws Exception {
    Path garbage = work.resolve("media");
    byte[] bytes = new byte[64 * 1024];
    new java.util.Random(7).nextBytes(bytes);
    Files.write(garbage, bytes);

    assertThatThrownBy(() -> TestMedia.ffmpeg().run(List.of("-i", garbage.toString(), "-y",
        work.resolve("out.mp3").toString()), 10, JobControl.detached(), work, "transcode to mp3"))
        .isInstanceOfSatisfying(JobFailedException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_MEDIA);
          assertThat(e.getMessage()).startsWith("ffmpeg could not transcode to mp3 (exit 1): ")
              .contains("Invalid data found when processing input")
              .doesNotContain(work.toString());
        });
    assertThat(Files.list(work).map(p -> p.getFileName().toString())).as("the error log is removed")
        .noneMatch(name -> name.startsWith("ffmpeg-"));
  }

  @Test
  void progressFiguresAreReadAsFfmpegWritesThem() {
    assertThat(Ffmpeg.fraction("5000000", 10)).isEqualTo(0.5);
    assertThat(Ffmpeg.fraction("N/A", 10)).isZero();
    assertThat(Ffmpeg.fraction("-23220", 10)).isZero();
    assertThat(Ffmpeg.fraction("12000000", 10)).isEqualTo(1.0);
  }

  private static void waitUntilRunning(Path output) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (TestMedia.ffmpegWorkingOn(output).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(TestMedia.ffmpegWorkingOn(output)).as("ffmpeg running").isNotEmpty();
    Thread.sleep(500);
  }
}
