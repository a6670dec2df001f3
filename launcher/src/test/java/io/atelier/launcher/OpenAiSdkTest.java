package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenAI's official Node SDK ({@code openai}, pinned in {@code verticles/edge/src/test/js}) pointed at node A's edge by
 * {@code baseURL} alone: every response format, both timestamp granularities, the models, and the errors (a file that
 * is not audio, a wrong key, an unknown model) in the shapes the SDK parses. The transcriptions run on node B's Vosk.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class OpenAiSdkTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "text", "srt", "vtt", "verbose-json", "verbose-json-words", "verbose-json-segments",
      "verbose-json-both", "granularities-without-brackets", "granularities-need-verbose", "models", "bad-file",
      "wrong-key", "unknown-model", "bad-format"})
  void scenarioPassesWithTheOfficialSdk(String scenario, @TempDir Path dir) throws Exception {
    Path notMedia = Files.writeString(dir.resolve("notes.mp3"), "these are meeting notes, not audio\n".repeat(40));
    JsonObject saw = play(scenario, SpeechSamples.librivox().get(0).wav(), "--not-media", notMedia.toString());
    if (scenario.startsWith("verbose-json")) {
      assertThat(saw.getJsonObject("saw").getInteger("segments")).isPositive();
    }
  }

  /** The client goes away while its long recording is transcribed: the job is cancelled, not left to run. */
  @Test
  void aClientThatGoesAwayCancelsItsJob(@TempDir Path dir) throws Exception {
    TestMesh mesh = TestMesh.get();
    String marker = "disconnect-" + UUID.randomUUID();
    play("disconnect", SpeechSamples.longRecording(dir), "--marker", marker);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String state = null;
    while (System.nanoTime() < deadline) {
      var rows = Blocking.await(mesh.pool.preparedQuery("SELECT state FROM jobs WHERE params ->> 'prompt' = $1")
          .execute(Tuple.of(marker)), Duration.ofSeconds(10));
      state = rows.size() == 1 ? rows.iterator().next().getString("state") : null;
      if ("cancelled".equals(state)) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(state).as("the job of the abandoned request").isEqualTo("cancelled");
  }

  private static JsonObject play(String scenario, Path speech, String... options) throws Exception {
    TestMesh mesh = TestMesh.get();
    List<String> arguments = new ArrayList<>(List.of("openai-scenarios.mjs", "--base-url",
        "http://127.0.0.1:" + mesh.edgePort + "/v1", "--api-key", mesh.projectA.apiKey(), "--speech", speech.toString(),
        "--scenario", scenario));
    arguments.addAll(List.of(options));
    NodeScripts.Result result = NodeScripts.node(NodeScripts.OPENAI, Duration.ofSeconds(120),
        arguments.toArray(String[]::new));
    String last = result.output().stream().filter(line -> line.startsWith("{")).reduce((a, b) -> b).orElse("{}");
    System.out.println("openai sdk " + scenario + ": " + last);
    assertThat(result.exit()).as(result.text()).isZero();
    JsonObject saw = new JsonObject(last);
    assertThat(saw.getBoolean("ok")).as(last).isTrue();
    return saw;
  }
}
