package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app end to end against {@code java -jar atelier.jar dev}, in Debian's Chromium driven by playwright-core
 * ({@code src/test/js/browser/web-app.mjs}): sign in, upload a spoken recording with a pipeline, watch the timeline
 * finish, two people edit the transcript at once and see each other's caret, the highlighted word follows playback,
 * clicking a word seeks, the shortcuts move the player, the exported SRT holds both edits, a render's output is
 * downloadable, the page fits a phone, an upload survives a reload and a dropped connection, and axe-core finds no
 * serious violation. Each step's screenshot is kept in {@code target/browser-screenshots/web-*.png}.
 */
class WebAppBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots").toAbsolutePath();

  @Test
  void peopleUploadWatchEditTogetherInSyncWithPlaybackAndExport(@TempDir Path dir) throws Exception {
    assertThat(Files.isExecutable(CHROMIUM)).as("Chromium at " + CHROMIUM + " (Debian package chromium; ./atelier test "
        + "installs it)").isTrue();
    // A minute of real speech under a name people give their files, and a long tone big enough to stop mid-way.
    Path recording = Files.move(SpeechSamples.longRecording(dir), dir.resolve("interview-of-the-week.wav"));
    Path big = dir.resolve("studio-session.wav");
    Process tone = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
        "-i", "sine=frequency=440:sample_rate=48000", "-ac", "2", "-t", "90", big.toString())
        .redirectErrorStream(true).start();
    String toneLog = new String(tone.getInputStream().readAllBytes());
    assertThat(tone.waitFor(60, TimeUnit.SECONDS) && tone.exitValue() == 0).as(toneLog).isTrue();
    assertThat(Files.size(big)).isGreaterThan(16L << 20);
    Path screenshots = Files.createDirectories(SCREENSHOTS);
    try (var old = Files.newDirectoryStream(screenshots, "web-*.png")) {
      for (Path file : old) {
        Files.delete(file);
      }
    }

    int port = FreePorts.pick();
    try (LauncherProcess dev = LauncherProcess.start("dev", dir, Map.of(), "dev", "--data-dir",
        dir.resolve("data").toString(), "--port", Integer.toString(port))) {
      String key = dev.awaitApiKey();
      NodeScripts.Result run = NodeScripts.node(NodeScripts.BROWSER, Duration.ofMinutes(6), "web-app.mjs",
          "--base-url", "http://127.0.0.1:" + port, "--api-key", key, "--recording", recording.toString(),
          "--big-file", big.toString(), "--screenshots", screenshots.toString(), "--timeout-ms", "300000");
      String last = run.output().stream().filter(line -> line.startsWith("{")).reduce((a, b) -> b).orElse("{}");
      System.out.println("web app end to end: " + last);
      try (var files = Files.list(screenshots)) {
        files.sorted().forEach(file -> System.out.println("screenshot: " + file));
      }
      assertThat(run.exit()).as(run.text() + "\n--- dev ---\n" + dev.transcript()).isZero();

      JsonObject seen = new JsonObject(last);
      assertThat(seen.getBoolean("ok")).as(last).isTrue();
      assertThat(seen.getJsonObject("carets").getJsonArray("ada").getList()).containsExactly("Grace");
      assertThat(seen.getJsonObject("carets").getJsonArray("grace").getList()).containsExactly("Ada");
      assertThat(seen.getString("srt")).contains("Grace").contains("Ada").contains(" --> ");
      assertThat(seen.getJsonObject("resume").getJsonArray("patchesAfter").getLong(0)).isPositive();
      assertThat(seen.getJsonObject("resume").getInteger("creationsAfter")).isZero();
      for (String page : List.of("sign-in", "recordings", "recording")) {
        assertThat(seen.getJsonObject("accessibility").getJsonArray(page)).as("axe on " + page).isNotNull();
      }
      assertThat(seen.getJsonArray("screenshots").getList()).hasSize(15);
      for (Object name : seen.getJsonArray("screenshots")) {
        assertThat(screenshots.resolve((String) name)).isNotEmptyFile();
      }
    }
  }
}
