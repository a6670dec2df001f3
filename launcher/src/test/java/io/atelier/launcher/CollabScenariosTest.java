package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The y-websocket protocol as unmodified clients speak it: each scenario is played by real {@code yjs} +
 * {@code y-websocket} {@code WebsocketProvider}s (and raw {@code ws} sockets for frames no provider sends) in Node,
 * against node A's edge, which serves {@code /collab/} on its own port. The same scenarios pass against the
 * reference server (y-websocket 1.5.4's {@code bin/server.js}, see {@code verticles/collab/src/test/js/README.md});
 * here they run strict: tokens checked, and every bad frame closed with a code and a reason.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class CollabScenariosTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fresh-sync", "concurrent", "offline-merge", "late-joiner", "awareness", "diff-sync",
      "large-doc", "read-only", "bad-token", "malformed", "two-nodes"})
  void scenarioPassesWithRealYjsClients(String scenario) throws Exception {
    TestMesh mesh = TestMesh.get();
    NodeScripts.Result result = NodeScripts.node(NodeScripts.COLLAB, Duration.ofSeconds(120), "scenarios.mjs",
        "--url", "ws://127.0.0.1:" + mesh.edgePort + "/collab", "--scenario", scenario, "--strict", "--expect-auth",
        "--signing-key", mesh.tokenSigningKey(), "--project", mesh.projectA.projectId().toString(),
        // Node B's edge and collab: the same document on a second node of the cluster.
        "--url-b", "ws://127.0.0.1:" + mesh.edgePortB + "/collab");
    String last = result.output().stream().filter(line -> line.startsWith("{")).reduce((a, b) -> b).orElse("{}");
    System.out.println("collab scenario " + scenario + ": " + last);
    assertThat(result.exit()).as(result.text()).isZero();
    assertThat(new JsonObject(last).getBoolean("ok")).as(last).isTrue();
    assertThat(new JsonObject(last).containsKey("skipped")).as(last).isFalse();
  }
}
