package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collab node is killed with SIGKILL while a client types into it. Every update another client had seen (so it
 * had been committed: nothing is relayed before) is in the document afterwards; the typing client reconnects to
 * another node and resyncs, and everyone converges on all of it.
 */
class CollabNodeCrashIT {

  @Test
  void aCollabNodeKilledMidEditLosesNoAcknowledgedUpdateAndItsClientsConvergeElsewhere(@TempDir Path dir)
      throws Exception {
    int port = FreePorts.pick();
    int doomedPort = FreePorts.pick();
    Vertx vertx = Vertx.vertx();
    List<LauncherProcess> processes = new ArrayList<>();
    try (LauncherProcess dev = LauncherProcess.start("dev", dir, Map.of(), "dev", "--data-dir",
        dir.resolve("data").toString(), "--port", Integer.toString(port), "--verticles", "edge,collab")) {
      processes.add(dev);
      ApiClient api = new ApiClient(vertx, port, dev.awaitApiKey());
      LauncherProcess doomed = LauncherProcess.start("doomed", dir, Map.of(
              "ATELIER_CLUSTER_PORT", Integer.toString(FreePorts.pick()),
              "ATELIER_EDGE_PORT", Integer.toString(doomedPort)),
          List.of("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("doomed-tmp"))),
          "node", "--verticles", "edge,collab", "--config", dir.resolve("data/node.json").toString());
      processes.add(doomed);
      doomed.awaitLine(Pattern.compile("^Atelier node \\S+ running edge,collab;.*"), 120);
      String doc = "crash-" + UUID.randomUUID().toString().substring(0, 8);
      String token = await(api.post("/v1/documents/" + doc + "/tokens")
          .sendJsonObject(new JsonObject().put("access", "write"))).bodyAsJsonObject().getString("token");

      CollabTestClient typist = CollabTestClient.connect(vertx, doomedPort, doc, token);
      try (CollabTestClient watcher = CollabTestClient.connect(vertx, port, doc, token)) {
        typist.awaitSynced();
        watcher.awaitSynced();
        List<String> typed = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          typed.add("k" + i + ";");
          typist.insert("k" + i + ";");
          if (i == 100) {
            watcher.awaitText(t -> t.contains("k50;"), Duration.ofSeconds(20), "the watcher to see edits");
            doomed.process.destroyForcibly();
          }
        }
        assertThat(doomed.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String seen = watcher.text();
        List<String> acknowledged = typed.stream().filter(seen::contains).toList();
        assertThat(acknowledged).as("edits the watcher saw before the kill").isNotEmpty();
        String stored = await(api.get("/v1/documents/" + doc).send()).bodyAsJsonObject().getString("text");
        assertThat(acknowledged).allMatch(stored::contains);
        System.out.println("collab crash: the watcher had seen " + acknowledged.size() + " of 200 edits when the node "
            + "died; all of them were stored");

        // Its provider reconnects elsewhere and syncs what it has: nothing typed is lost.
        try (CollabTestClient again = typist.reconnect(vertx, port, doc, token)) {
          again.awaitSynced();
          watcher.awaitText(t -> typed.stream().allMatch(t::contains), Duration.ofSeconds(20),
              "the watcher to get every edit once the typist resynced on another node");
        }
      } finally {
        typist.close();
      }
    } finally {
      for (LauncherProcess p : processes) {
        p.close();
      }
      vertx.close();
    }
  }
}
