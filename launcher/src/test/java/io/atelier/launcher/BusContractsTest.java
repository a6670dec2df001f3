package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.ErrorCode;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Messages that do not decode through their contracts, sent to the mesh's real consumers across the cluster: each
 * request is refused at once with a typed failure, each published one dropped, and every consumer goes on serving.
 */
class BusContractsTest {

  @Test
  void aMalformedRequestToAnyConsumerIsRefusedAtOnceAndTheMeshCarriesOn() throws Exception {
    TestMesh mesh = TestMesh.get();
    // From the edge node to the worker node's consumers, over the clustered bus.
    EventBus bus = mesh.edgeNode.vertx().eventBus();
    String worker = BusAddresses.worker(mesh.workerNode.node().id() + ".transcription");
    assertRefused(bus, worker, "cancel everything", "not a JSON object");
    assertRefused(bus, worker, new JsonObject().put("v", 1).put("jobId", "nope").put("attempt", 1), "jobId");
    assertRefused(bus, worker, new JsonObject().put("v", 42), "schema version 42");
    assertRefused(bus, BusAddresses.COLLAB_ENDPOINTS, new JsonObject().put("v", 9), "schema version 9");
    assertRefused(bus, BusAddresses.UPLOAD_ENDPOINTS, 12345, "not a JSON object");

    // Published garbage: dropped by every node that hears it.
    bus.publish(BusAddresses.JOB_EVENTS, new JsonObject().put("v", 1).put("jobId", "?"));
    bus.publish(BusAddresses.JOB_EVENTS, "not an event");
    bus.publish(BusAddresses.NODES, new JsonObject().put("v", 1));
    bus.publish(BusAddresses.document(1), new JsonObject().put("v", 1).put("position", "late"));

    // Everything still answers: nodes, endpoints, a job from submission to its end.
    JsonObject nodes = await(mesh.client(mesh.projectA.apiKey()).get("/v1/admin/nodes").send()).bodyAsJsonObject();
    assertThat(nodes.getJsonArray("nodes").size()).isGreaterThanOrEqualTo(2);
    assertThat(await(bus.request(BusAddresses.COLLAB_ENDPOINTS, new JsonObject().put("v", 1))).body())
        .isInstanceOf(JsonObject.class);
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    String job = api.submitTranscription(asset);
    assertThat(api.awaitFinished(job, Duration.ofMinutes(2)).getString("state")).isEqualTo("succeeded");
    assertRefused(bus, worker, new JsonObject().put("v", 1).put("jobId", UUID.randomUUID().toString())
        .put("attempt", "one"), "attempt");
  }

  private static void assertRefused(EventBus bus, String address, Object body, String reason) {
    long started = System.nanoTime();
    Throwable failure = await(bus.request(address, body, new DeliveryOptions().setSendTimeout(10_000))
        .map(reply -> (Throwable) null).otherwise(e -> e));
    assertThat(failure).as("%s <- %s", address, body).isInstanceOf(ReplyException.class);
    ReplyException refused = (ReplyException) failure;
    assertThat(refused.failureType()).as("%s", refused).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(refused.failureCode()).isEqualTo(ErrorCode.INVALID_INPUT.busCode());
    assertThat(refused.getMessage()).contains(reason);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused, not timed out")
        .isLessThan(Duration.ofSeconds(5));
  }
}
