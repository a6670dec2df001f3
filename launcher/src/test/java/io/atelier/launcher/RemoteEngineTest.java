package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code transcription.engine = openai-compatible} against a real server of that API: the test mesh's own
 * {@code /v1/audio/transcriptions}. A second mesh, with infrastructure of its own, runs an edge and a transcription
 * worker whose engine is the test mesh's node A edge (with project A's key); the test mesh's Vosk does the listening.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class RemoteEngineTest {

  @Test
  void aMeshTranscribesThroughAnotherMeshsOpenAiEndpoint() throws Exception {
    TestMesh engineMesh = TestMesh.get();
    SpeechSamples.Sample sample = SpeechSamples.librivox().get(0);
    try (EmbeddedServices services = EmbeddedServices.startTemporary("atelier-remote-engine-")) {
      Vertx vertx = Vertx.vertx();
      int edgePort = FreePorts.pick();
      int clusterPort = FreePorts.pick();
      JsonObject config = EmbeddedMeshConfig.build(services, services.folder().resolve("node"), edgePort,
          "atelier-remote-" + UUID.randomUUID(), clusterPort, List.of("127.0.0.1:" + clusterPort));
      config.put("metrics", new JsonObject().put("enabled", false));
      config.getJsonObject("transcription").put("engine", "openai-compatible")
          .put("baseUrl", "http://127.0.0.1:" + engineMesh.edgePort + "/v1").put("model", "whisper-1")
          .put("apiKey", engineMesh.projectA.apiKey()).put("attempts", 2).put("retryDelayMillis", 100);
      Migrations.apply(PostgresConfig.from(config));
      Pool pool = DatabasePool.create(vertx, PostgresConfig.from(config));
      ApiKeyRepository.NewProject project = Blocking.await(new ApiKeyRepository(pool).createProject("remote"),
          Duration.ofSeconds(30));
      ApiClient api = new ApiClient(vertx, edgePort, project.apiKey());
      MeshNode node = Blocking.await(MeshNode.start(config, EnumSet.of(VerticleName.EDGE, VerticleName.TRANSCRIPTION)),
          Duration.ofMinutes(1));
      try {
        String asset = api.uploadAsset(sample.wav());
        String job = api.submitTranscription(asset);
        JsonObject finished = api.awaitFinished(job, Duration.ofSeconds(120));
        assertThat(finished.getString("state")).as(finished.encode()).isEqualTo("succeeded");
        JsonObject transcript = ApiClient.await(api.get("/v1/transcripts/" + job).send()).bodyAsJsonObject();
        assertThat(transcript.getString("engine")).isEqualTo("openai-compatible");
        assertThat(transcript.getString("language")).isEqualTo("en");
        JsonArray words = transcript.getJsonArray("words");
        assertThat(words.size()).isGreaterThan(15);
        for (int i = 0; i < words.size(); i++) {
          JsonObject word = words.getJsonObject(i);
          assertThat(word.getDouble("end")).isGreaterThanOrEqualTo(word.getDouble("start"));
          assertThat(word.getDouble("confidence")).isBetween(0.0, 1.0);
        }
        // The same recording through the engine mesh's own API: the words came from there.
        ApiClient direct = engineMesh.client(engineMesh.projectA.apiKey());
        String directJob = direct.submitTranscription(direct.uploadAsset(sample.wav()));
        assertThat(direct.awaitFinished(directJob, Duration.ofSeconds(60)).getString("state")).isEqualTo("succeeded");
        JsonObject expected = ApiClient.await(direct.get("/v1/transcripts/" + directJob).send()).bodyAsJsonObject();
        assertThat(transcript.getString("text")).isEqualTo(expected.getString("text"));

        // Cancelled while its chunks are with the engine: the job stops at once, not when the engine answers.
        Path minute = SpeechSamples.longRecording(services.folder());
        Path longer = services.folder().resolve("longer.wav");
        Process sox = new ProcessBuilder("sox", minute.toString(), minute.toString(), minute.toString(),
            longer.toString()).inheritIO().start();
        assertThat(sox.waitFor()).isZero();
        String longJob = api.submitTranscription(api.uploadAsset(longer));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"running".equals(ApiClient.await(api.get("/v1/jobs/" + longJob).send()).bodyAsJsonObject()
            .getString("state")) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        Thread.sleep(300);
        long cancelledAt = System.nanoTime();
        assertThat(ApiClient.await(api.post("/v1/jobs/" + longJob + "/cancel").send()).statusCode()).isEqualTo(202);
        assertThat(api.awaitFinished(longJob, Duration.ofSeconds(10)).getString("state")).isEqualTo("cancelled");
        assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(2));
      } finally {
        Blocking.await(node.stop(), Duration.ofSeconds(60));
      }

      // An engine that is down: the job is handed back to be retried later, not failed.
      int closedPort = FreePorts.pick();
      config.getJsonObject("transcription").put("baseUrl", "http://127.0.0.1:" + closedPort + "/v1");
      node = Blocking.await(MeshNode.start(config, EnumSet.of(VerticleName.EDGE, VerticleName.TRANSCRIPTION)),
          Duration.ofMinutes(1));
      try {
        String job = api.submitTranscription(api.uploadAsset(sample.wav()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonObject seen;
        do {
          Thread.sleep(100);
          seen = ApiClient.await(api.get("/v1/jobs/" + job).send()).bodyAsJsonObject();
        } while ((seen.getInteger("attempts") < 1 || !"queued".equals(seen.getString("state")))
            && System.nanoTime() < deadline);
        assertThat(seen.getString("state")).as(seen.encode()).isEqualTo("queued");
        assertThat(seen.getString("error")).startsWith("unavailable: cannot reach http://127.0.0.1:" + closedPort)
            .contains("after 2 attempts");
        HttpResponse<Buffer> cancelled = ApiClient.await(api.post("/v1/jobs/" + job + "/cancel").send());
        assertThat(cancelled.statusCode()).isEqualTo(202);
      } finally {
        Blocking.await(node.stop(), Duration.ofSeconds(60));
        Blocking.await(pool.close(), Duration.ofSeconds(10));
        Blocking.await(vertx.close(), Duration.ofSeconds(10));
      }
    }
  }
}
