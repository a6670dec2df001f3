package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resumable uploads as the real {@code tus-js-client} (npm, pinned in {@code verticles/upload/src/test/js}) makes
 * them, in Node, against node A's edge; {@code resume-other-node} resumes through node B's edge, so on node B's upload
 * verticle. The same scenarios pass against the official Node tus server ({@code reference-server.mjs}, see that
 * folder's README) with {@code --reference}, which leaves out what only Atelier does (assets, authentication).
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class TusClientScenariosTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"upload", "pause-resume", "defer-length", "termination", "checksum-mismatch", "not-media",
      "protocol-errors", "resume-other-node", "creation-with-upload", "parallel"})
  void scenarioPassesWithTheRealTusClient(String scenario) throws Exception {
    TestMesh mesh = TestMesh.get();
    play(scenario, "--endpoint", "http://127.0.0.1:" + mesh.edgePort + "/files/", "--api-key", mesh.projectA.apiKey(),
        "--endpoint-b", "http://127.0.0.1:" + mesh.edgePortB + "/files/");
  }

  /** On a node of its own whose uploads expire 5 s after their last byte, so the scenario can wait for it. */
  @Test
  void expiryPassesWithTheRealTusClient() throws Exception {
    TestMesh mesh = TestMesh.get();
    int port = FreePorts.pick();
    MeshNode node = mesh.startAnotherNode("short-expiry", port,
        config -> config.getJsonObject("upload").put("expirySeconds", 5),
        EnumSet.of(VerticleName.EDGE, VerticleName.UPLOAD));
    try {
      play("expiry", "--endpoint", "http://127.0.0.1:" + port + "/files/", "--api-key", mesh.projectA.apiKey(),
          "--expiry-wait-ms", "10000");
    } finally {
      Blocking.await(node.stop(), Duration.ofSeconds(60));
    }
  }

  private static void play(String scenario, String... options) throws Exception {
    List<String> arguments = new ArrayList<>(List.of("scenarios.mjs"));
    arguments.addAll(List.of(options));
    arguments.addAll(List.of("--scenario", scenario));
    NodeScripts.Result result = NodeScripts.node(NodeScripts.UPLOAD, Duration.ofSeconds(120),
        arguments.toArray(String[]::new));
    String last = result.output().stream().filter(line -> line.startsWith("{")).reduce((a, b) -> b).orElse("{}");
    System.out.println("tus scenario " + scenario + ": " + last);
    assertThat(result.exit()).as(result.text()).isZero();
    assertThat(new JsonObject(last).getBoolean("ok")).as(last).isTrue();
    assertThat(new JsonObject(last).containsKey("skipped")).as(last).isFalse();
  }
}
