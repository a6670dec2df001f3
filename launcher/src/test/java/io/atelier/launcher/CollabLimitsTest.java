package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A collab node's limits, each from its configuration: going over one closes that socket alone, with a close code and
 * a reason that names the limit; the node and its other connections carry on. The node joins the test mesh with small
 * limits of its own.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollabLimitsTest {

  private static MeshNode node;
  private static int port;

  @BeforeAll
  static void startANodeWithSmallLimits() throws Exception {
    TestMesh mesh = TestMesh.get();
    JsonObject config = mesh.configOfAnotherNode("small-limits");
    port = FreePorts.pick();
    config.getJsonObject("edge").put("port", port);
    config.put("metrics", new JsonObject().put("enabled", false));
    config.getJsonObject("collab").put("maxMessageBytes", 4096).put("updatesPerSecond", 5).put("updateBurst", 20)
        .put("connectionsPerDocument", 2).put("documentsPerNode", 3);
    node = Blocking.await(MeshNode.start(config, EnumSet.of(VerticleName.EDGE, VerticleName.COLLAB)),
        Duration.ofMinutes(1));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      Blocking.await(node.stop(), Duration.ofMinutes(1));
    }
  }

  private static String document() {
    return "limits-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String token(String document) throws Exception {
    TestMesh mesh = TestMesh.get();
    return await(mesh.client(mesh.projectA.apiKey()).post("/v1/documents/" + document + "/tokens")
        .sendJsonObject(new JsonObject())).bodyAsJsonObject().getString("token");
  }

  private static CollabTestClient connect(String document) throws Exception {
    CollabTestClient client = CollabTestClient.connect(TestMesh.get().clientVertx, port, document, token(document));
    client.awaitSynced();
    return client;
  }

  @Test
  void aMessageOverTheLimitClosesItsSocketWith1009AndOthersCarryOn() throws Exception {
    String doc = document();
    try (CollabTestClient big = connect(doc); CollabTestClient other = connect(doc)) {
      char[] text = new char[5000];
      Arrays.fill(text, 'x');
      big.insert(new String(text));
      assertThat(big.awaitClose()).isEqualTo((short) 1009);
      assertThat(big.closeReason).contains("collab.maxMessageBytes");
      other.insert("still here");
      try (CollabTestClient late = connect(doc)) {
        late.awaitText(t -> t.equals("still here"), Duration.ofSeconds(10), "the other's edit, and nothing of the big one");
      }
    }
  }

  @Test
  void aConnectionOverItsUpdateRateIsClosedWith1008() throws Exception {
    String doc = document();
    try (CollabTestClient fast = connect(doc)) {
      for (int i = 0; i < 100; i++) {
        fast.insert("u" + i);
      }
      assertThat(fast.awaitClose()).isEqualTo((short) 1008);
      assertThat(fast.closeReason).contains("collab.updatesPerSecond");
    }
  }

  @Test
  // Last: the documents it opens count against the node's limit for a while after they close.
  @Order(Integer.MAX_VALUE)
  void aDocumentsConnectionsAndANodesDocumentsAreBounded() throws Exception {
    String doc = document();
    try (CollabTestClient first = connect(doc); CollabTestClient second = connect(doc)) {
      CollabTestClient third = CollabTestClient.connect(TestMesh.get().clientVertx, port, doc, token(doc));
      assertThat(third.awaitClose()).isEqualTo((short) 1013);
      assertThat(third.closeReason).contains("collab.connectionsPerDocument");
      first.insert("the first two are still connected");
      second.awaitText(t -> t.contains("still connected"), Duration.ofSeconds(10), "the first's edit");
    }
    // Documents of other tests may still be open here (a document lingers a while after its last socket), so: the
    // node takes new documents until it has 3 open, and refuses the next one.
    List<CollabTestClient> open = new ArrayList<>();
    try {
      CollabTestClient refused = null;
      for (int i = 0; i < 4 && refused == null; i++) {
        String next = document();
        CollabTestClient client = CollabTestClient.connect(TestMesh.get().clientVertx, port, next, token(next));
        open.add(client);
        if (client.closed.future().isComplete() || !client.syncedWithin(Duration.ofSeconds(5))) {
          refused = client;
        }
      }
      assertThat(refused).as("a fourth document is refused").isNotNull();
      assertThat(refused.awaitClose()).isEqualTo((short) 1013);
      assertThat(refused.closeReason).contains("collab.documentsPerNode");
    } finally {
      open.forEach(CollabTestClient::close);
    }
  }
}
