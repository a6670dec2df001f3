package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
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
    NodeScripts.Result result = NodeScripts.node(NodeScripts.UPLOAD, Duration.ofSeconds(120), "scenarios.mjs",
        "--endpoint", "http://127.0.0.1:" + mesh.edgePort + "/files/", "--api-key", mesh.projectA.apiKey(),
        "--endpoint-b", "http://127.0.0.1:" + mesh.edgePortB + "/files/", "--scenario", scenario);
    String last = result.output().stream().filter(line -> line.startsWith("{")).reduce((a, b) -> b).orElse("{}");
    System.out.println("tus scenario " + scenario + ": " + last);
    assertThat(result.exit()).as(result.text()).isZero();
    assertThat(new JsonObject(last).getBoolean("ok")).as(last).isTrue();
    assertThat(new JsonObject(last).containsKey("skipped")).as(last).isFalse();
  }
}
