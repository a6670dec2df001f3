package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.DocumentRepository;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Collaboration across the mesh's nodes: node A's and node B's collab verticles serve the same documents, each
 * behind its own edge; updates are committed to PostgreSQL first and relayed over the clustered bus with their log
 * positions.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class CollabMeshTest {

  private static final Duration SOON = Duration.ofSeconds(10);

  private static String document() {
    return "doc-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String token(TestMesh mesh, String document, String access) {
    HttpResponse<Buffer> issued = await(mesh.client(mesh.projectA.apiKey()).post("/v1/documents/" + document + "/tokens")
        .sendJsonObject(new JsonObject().put("access", access).put("ttlSeconds", 600)));
    assertThat(issued.statusCode()).as(issued.bodyAsString()).isEqualTo(201);
    JsonObject body = issued.bodyAsJsonObject();
    assertThat(body.getString("access")).isEqualTo(access);
    assertThat(body.getString("url")).isEqualTo("/collab/" + document);
    return body.getString("token");
  }

  @Test
  void editsOnEitherNodeReachClientsOnTheOtherAndTheLogHoldsThemAll() throws Exception {
    TestMesh mesh = TestMesh.get();
    String doc = document();
    String token = token(mesh, doc, "write");
    try (CollabTestClient a = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token);
         CollabTestClient b = CollabTestClient.connect(mesh.clientVertx, mesh.edgePortB, doc, token)) {
      a.awaitSynced();
      b.awaitSynced();
      a.insert("from a. ");
      b.insert("from b. ");
      a.awaitText(t -> t.contains("from b."), SOON, "a to see b's edit, made on node B");
      b.awaitText(t -> t.contains("from a."), SOON, "b to see a's edit, made on node A");
      assertThat(a.text()).isEqualTo(b.text());

      JsonObject read = await(mesh.client(mesh.projectA.apiKey()).get("/v1/documents/" + doc).send())
          .bodyAsJsonObject();
      assertThat(read.getString("text")).isEqualTo(a.text());
      assertThat(read.getLong("updates")).isGreaterThanOrEqualTo(2L);
      // Another project's key does not see it.
      assertThat(await(mesh.client(mesh.projectB.apiKey()).get("/v1/documents/" + doc).send()).statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void anUpdateWhoseRelayTheBusLostIsReadFromTheLog() throws Exception {
    TestMesh mesh = TestMesh.get();
    String doc = document();
    String token = token(mesh, doc, "write");
    try (CollabTestClient a = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token);
         CollabTestClient b = CollabTestClient.connect(mesh.clientVertx, mesh.edgePortB, doc, token)) {
      a.awaitSynced();
      b.awaitSynced();
      // Committed as a node would commit it, with no relay on the bus: as if the bus had dropped it.
      DocumentRepository documents = new DocumentRepository(mesh.pool);
      long id = Blocking.await(documents.find(mesh.projectA.projectId(), doc), SOON).orElseThrow().id();
      byte[] update = YjsUpdates.java().insertText(424_242, "text", "never relayed. ");
      Blocking.await(documents.appendAll(List.of(new DocumentRepository.Append(id, update))), SOON);
      a.awaitText(t -> t.contains("never relayed."), SOON, "node A to read the update from the log");
      b.awaitText(t -> t.contains("never relayed."), SOON, "node B to read the update from the log");
    }
  }

  @Test
  void anEdgeWithoutCollabProxiesSocketsToACollabNode() throws Exception {
    TestMesh mesh = TestMesh.get();
    int port = io.atelier.embedded.FreePorts.pick();
    MeshNode edgeOnly = mesh.startAnotherNode("edge-only", port, config -> { }, EnumSet.of(VerticleName.EDGE));
    try {
      String doc = document();
      String token = token(mesh, doc, "write");
      try (CollabTestClient proxied = CollabTestClient.connect(mesh.clientVertx, port, doc, token);
           CollabTestClient direct = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token)) {
        proxied.awaitSynced();
        direct.awaitSynced();
        proxied.insert("through the proxy. ");
        direct.awaitText(t -> t.contains("through the proxy."), SOON, "an edit made through the proxying edge");
        direct.insert("to the proxy. ");
        proxied.awaitText(t -> t.contains("to the proxy."), SOON, "an edit to reach the proxied client");
      }
    } finally {
      Blocking.await(edgeOnly.stop(), Duration.ofMinutes(1));
    }
  }

  @Test
  void anUpdateThatCannotBeCommittedReachesNobodyAndItsSenderIsClosedToResync() throws Exception {
    TestMesh mesh = TestMesh.get();
    String doc = document();
    String token = token(mesh, doc, "write");
    try (CollabTestClient a = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token);
         CollabTestClient b = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token)) {
      a.awaitSynced();
      b.awaitSynced();
      mesh.services.stopPostgres();
      try {
        a.insert("not stored. ");
        assertThat(a.awaitClose()).isEqualTo((short) 1011);
        assertThat(a.closeReason).contains("could not be stored");
      } finally {
        mesh.services.restartPostgres();
      }
      // Once PostgreSQL answers again (an update sent before would fail too, and close its sender).
      awaitPostgres(mesh);
      b.insert("stored. ");
      try (CollabTestClient c = CollabTestClient.connect(mesh.clientVertx, mesh.edgePortB, doc, token)) {
        c.awaitSynced();
        c.awaitText(t -> t.contains("stored."), Duration.ofSeconds(30), "the edit made once PostgreSQL is back");
        assertThat(b.text()).doesNotContain("not stored.");
        assertThat(c.text()).doesNotContain("not stored.");
      }
      // The closed client reconnects and resyncs: its edit lands now, for everyone.
      try (CollabTestClient again = a.reconnect(mesh.clientVertx, mesh.edgePort, doc, token)) {
        again.awaitSynced();
        try {
          b.awaitText(t -> t.contains("not stored.") && t.contains("stored."), SOON, "the resynced edit");
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + (again.closed.future().isComplete()
              ? "; the resyncing client was closed: " + again.closed.future().result() + " " + again.closeReason
              : "; the resyncing client is open"), e);
        }
      }
    }
  }

  @Test
  void aDeletedDocumentClosesItsSocketsWithAReasonAndIsGone() throws Exception {
    TestMesh mesh = TestMesh.get();
    String doc = document();
    String token = token(mesh, doc, "write");
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    try (CollabTestClient a = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token);
         CollabTestClient b = CollabTestClient.connect(mesh.clientVertx, mesh.edgePortB, doc, token)) {
      a.awaitSynced();
      b.awaitSynced();
      a.insert("soon gone");
      b.awaitText(t -> t.contains("soon gone"), SOON, "the edit");
      assertThat(await(api.delete("/v1/documents/" + doc).send()).statusCode()).isEqualTo(204);
      assertThat(a.awaitClose()).isEqualTo((short) 4404);
      assertThat(b.awaitClose()).isEqualTo((short) 4404);
      assertThat(b.closeReason).isEqualTo("the document was deleted");
      assertThat(await(api.get("/v1/documents/" + doc).send()).statusCode()).isEqualTo(404);
      assertThat(await(api.delete("/v1/documents/" + doc).send()).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void compactionMergesALongLogIntoOneRowWhileEditsGoOn() throws Exception {
    TestMesh mesh = TestMesh.get();
    String doc = document();
    String token = token(mesh, doc, "write");
    DocumentRepository documents = new DocumentRepository(mesh.pool);
    try (CollabTestClient a = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token);
         CollabTestClient b = CollabTestClient.connect(mesh.clientVertx, mesh.edgePortB, doc, token)) {
      a.awaitSynced();
      b.awaitSynced();
      List<String> words = new ArrayList<>();
      for (int i = 0; i < 700; i++) {
        words.add("w" + i + ";");
        (i % 2 == 0 ? a : b).insert("w" + i + ";");
      }
      long id = Blocking.await(documents.find(mesh.projectA.projectId(), doc), SOON).orElseThrow().id();
      a.awaitText(t -> words.stream().allMatch(t::contains), Duration.ofSeconds(30), "every edit at a");
      b.awaitText(t -> words.stream().allMatch(t::contains), Duration.ofSeconds(30), "every edit at b");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int rows;
      do {
        rows = Blocking.await(documents.updatesAfter(id, 0), SOON).size();
        if (rows > 100) {
          Thread.sleep(200);
        }
      } while (rows > 100 && System.nanoTime() < deadline);
      assertThat(rows).as("rows after compaction (the log had 700 and more)").isLessThanOrEqualTo(100);
      try (CollabTestClient late = CollabTestClient.connect(mesh.clientVertx, mesh.edgePortB, doc, token)) {
        late.awaitSynced();
        late.awaitText(t -> t.equals(a.text()), SOON, "a late client to get the compacted document");
      }
      JsonObject read = await(mesh.client(mesh.projectA.apiKey()).get("/v1/documents/" + doc).send())
          .bodyAsJsonObject();
      assertThat(read.getString("text")).isEqualTo(a.text());
    }
  }

  @Test
  void theCollabFiguresAreOnMetrics() throws Exception {
    TestMesh mesh = TestMesh.get();
    String doc = document();
    try (CollabTestClient a = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token(mesh, doc, "write"))) {
      a.awaitSynced();
      a.insert("counted");
      String metrics = "";
      long deadline = System.nanoTime() + SOON.toNanos();
      while (!metrics.contains("atelier_collab_updates_total") && System.nanoTime() < deadline) {
        metrics = await(mesh.client(null).unauthenticated("/metrics").send()).bodyAsString();
      }
      assertThat(metrics).contains("atelier_collab_connections ", "atelier_collab_documents_open ",
          "atelier_collab_updates_total", "atelier_collab_update_bytes_total", "atelier_collab_commit_seconds",
          "atelier_collab_compactions_total", "atelier_collab_compaction_merge_seconds_count",
          "atelier_collab_relays_received_total");
      // Both nodes of this JVM count into one registry (one node per JVM in production): the count, not its split.
      assertThat(metrics.lines().filter(l -> l.startsWith("atelier_collab_updates_total")).findFirst().orElseThrow())
          .doesNotEndWith(" 0.0");
      // Histograms bounded by what they measure: a batch holds at most 512 updates.
      assertThat(metrics.lines().filter(l -> l.startsWith("atelier_collab_commit_batch_bucket"))).hasSizeBetween(1, 39);
    }
  }

  @Test
  void aDocumentWrittenOnOneNodeLoadsTheSameFromTheLogOnAnother() throws Exception {
    TestMesh mesh = TestMesh.get();
    String doc = document();
    String token = token(mesh, doc, "write");
    try (CollabTestClient writer = CollabTestClient.connect(mesh.clientVertx, mesh.edgePortB, doc, token)) {
      writer.awaitSynced();
      writer.insert("written on node B");
      writer.insert("and again");
      long id = Blocking.await(new DocumentRepository(mesh.pool).find(mesh.projectA.projectId(), doc), SOON)
          .orElseThrow().id();
      long deadline = System.nanoTime() + SOON.toNanos();
      while (Blocking.await(new DocumentRepository(mesh.pool).updatesAfter(id, 0), SOON).size() < 2
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      // Node A has never had the document open: it loads it from the log.
      try (CollabTestClient reader = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token)) {
        reader.awaitSynced();
        reader.awaitText(t -> t.equals(writer.text()), SOON, "the document as node B has it");
        assertThat(reader.stateVector()).isEqualTo(writer.stateVector());
      }
    }
  }

  @Test
  void aClientThatSyncsWithNothingNewAddsNothingToTheLog() throws Exception {
    TestMesh mesh = TestMesh.get();
    String doc = document();
    String token = token(mesh, doc, "write");
    DocumentRepository documents = new DocumentRepository(mesh.pool);
    try (CollabTestClient a = CollabTestClient.connect(mesh.clientVertx, mesh.edgePort, doc, token);
         CollabTestClient b = CollabTestClient.connect(mesh.clientVertx, mesh.edgePortB, doc, token)) {
      a.awaitSynced();
      b.awaitSynced();
      a.insert("one edit");
      b.awaitText(t -> t.contains("one edit"), SOON, "the edit");
      long id = Blocking.await(documents.find(mesh.projectA.projectId(), doc), SOON).orElseThrow().id();
      // Each reconnect answers the server's step 1 with the whole document, on both nodes.
      for (int i = 0; i < 3; i++) {
        try (CollabTestClient again = b.reconnect(mesh.clientVertx, i % 2 == 0 ? mesh.edgePort : mesh.edgePortB, doc,
            token)) {
          again.awaitSynced();
        }
      }
      // The last edit after the reconnects: once it is in, whatever they sent before was handled.
      a.insert("last edit");
      b.awaitText(t -> t.contains("last edit"), SOON, "the last edit");
      assertThat(Blocking.await(documents.updatesAfter(id, 0), SOON)).as("rows of the log").hasSize(2);
    }
  }

  private static void awaitPostgres(TestMesh mesh) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        Blocking.await(mesh.pool.query("SELECT 1").execute(), SOON);
        Blocking.await(mesh.pool.query("SELECT 1").execute(), SOON);
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(100);
      }
    }
  }
}
