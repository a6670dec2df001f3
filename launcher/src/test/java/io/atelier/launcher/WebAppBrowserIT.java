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
 * downloadable, the page fits a phone, an upload survives a reload and a dropped connection, a pipeline is cancelled
 * and resumed and a job cancelled and retried from the timeline, and axe-core finds no serious violation. Then
 * Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core ({@code web-app-firefox.mjs}), edits the same
 * transcript, follows playback and seeks by a click. Each step's screenshot is kept in {@code target/browser-screenshots/web-*.png}.
 */
class WebAppBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path FIREFOX = Path.of("/usr/bin/firefox-esr");
  private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots").toAbsolutePath();

  @Test
  void peopleUploadWatchEditTogetherInSyncWithPlaybackAndExport(@TempDir Path dir) throws Exception {
    assertThat(Files.isExecutable(CHROMIUM)).as("Chromium at " + CHROMIUM + " (Debian package chromium; ./atelier test "
        + "installs it)").isTrue();
    // A minute of real speech under a name people give their files, and ten minutes of it: big enough to stop its
    // upload mid-way, long enough to transcribe that its pipeline can be cancelled while it runs.
    Path recording = Files.move(SpeechSamples.longRecording(dir), dir.resolve("interview-of-the-week.wav"));
    Path big = SpeechSamples.convert(recording, dir.resolve("studio-session.wav"), "-ac", "1", "-ar", "16000");
    Path looped = dir.resolve("looped.wav");
    Process loop = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-stream_loop", "7", "-i", big.toString(), "-c", "copy", looped.toString()).redirectErrorStream(true).start();
    String loopLog = new String(loop.getInputStream().readAllBytes());
    assertThat(loop.waitFor(60, TimeUnit.SECONDS) && loop.exitValue() == 0).as(loopLog).isTrue();
    Files.move(looped, big, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
      printScreenshots(screenshots);
      assertThat(run.exit()).as(run.text() + "\n--- dev ---\n" + dev.transcript()).isZero();

      JsonObject seen = new JsonObject(last);
      assertThat(seen.getBoolean("ok")).as(last).isTrue();
      assertThat(seen.getJsonObject("carets").getJsonArray("ada").getList()).containsExactly("Grace");
      assertThat(seen.getJsonObject("carets").getJsonArray("grace").getList()).containsExactly("Ada");
      assertThat(seen.getString("srt")).contains("Grace").contains("Ada").contains(" --> ");
      assertThat(seen.getJsonObject("resume").getJsonArray("patchesAfter").getLong(0)).isPositive();
      assertThat(seen.getJsonObject("resume").getInteger("creationsAfter")).isZero();
      for (String page : List.of("sign-in", "recordings", "sign-in-link", "recording")) {
        assertThat(seen.getJsonObject("accessibility").getJsonArray(page)).as("axe on " + page).isNotNull();
      }
      assertThat(seen.getJsonArray("screenshots").getList()).hasSize(20);
      for (Object name : seen.getJsonArray("screenshots")) {
        assertThat(screenshots.resolve((String) name)).isNotEmptyFile();
      }

      // The same recording in Firefox: the edit typed there stored, the highlight following playback, a click seeking.
      assertThat(Files.isExecutable(FIREFOX)).as("Firefox ESR at " + FIREFOX + " (Debian package firefox-esr)").isTrue();
      NodeScripts.Result firefox = NodeScripts.node(NodeScripts.BROWSER, Duration.ofMinutes(3), "web-app-firefox.mjs",
          "--base-url", "http://127.0.0.1:" + port, "--api-key", key, "--asset", seen.getString("assetId"),
          "--screenshots", screenshots.toString(), "--firefox", FIREFOX.toString(), "--timeout-ms", "150000");
      String inFirefox = firefox.output().stream().filter(line -> line.startsWith("{")).reduce((a, b) -> b).orElse("{}");
      System.out.println("web app in Firefox: " + inFirefox);
      assertThat(firefox.exit()).as(firefox.text()).isZero();
      assertThat(new JsonObject(inFirefox).getJsonArray("screenshots").getList()).hasSize(3);
      printScreenshots(screenshots);
    }
  }

  private static void printScreenshots(Path folder) throws java.io.IOException {
    try (var files = Files.list(folder)) {
      files.sorted().forEach(file -> System.out.println("screenshot: " + file));
    }
  }
}
