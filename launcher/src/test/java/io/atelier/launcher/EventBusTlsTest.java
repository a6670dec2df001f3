package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.embedded.FreePorts;
import io.atelier.embedded.ServerCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.tls*}: three nodes of one Hazelcast cluster on loopback, two with the mesh's certificate and one
 * with another (its own, which it trusts). Membership is plain, so the third joins the cluster and sees where the
 * consumers are; the bus is not, so it can neither deliver to the others nor be delivered to.
 */
class EventBusTlsTest {

  private static final Duration START = Duration.ofMinutes(1);
  private static final DeliveryOptions PATIENT = new DeliveryOptions().setSendTimeout(10_000);
  private static final DeliveryOptions BRIEF = new DeliveryOptions().setSendTimeout(2_000);

  @TempDir
  static Path folder;
  static Vertx nodeA;
  static Vertx nodeB;
  static Vertx intruder;

  @BeforeAll
  static void startNodes() {
    ServerCertificate mesh = ServerCertificate.selfSigned(folder.resolve("mesh"), "localhost");
    ServerCertificate another = ServerCertificate.selfSigned(folder.resolve("another"), "localhost");
    List<Integer> ports = List.of(FreePorts.pick(), FreePorts.pick(), FreePorts.pick());
    JsonArray members = new JsonArray(ports.stream().map(port -> "127.0.0.1:" + port).toList());
    String name = "atelier-bus-tls-" + UUID.randomUUID();
    nodeA = start(node(name, ports.get(0), members, mesh));
    nodeB = start(node(name, ports.get(1), members, mesh));
    intruder = start(node(name, ports.get(2), members, another));
  }

  @AfterAll
  static void stopNodes() {
    for (Vertx node : List.of(intruder, nodeA, nodeB)) {
      Blocking.await(node.close(), START);
    }
  }

  @Test
  void nodesShowingTheMeshsCertificateTalkOverTheBus() {
    String address = "tls-test.echo." + UUID.randomUUID();
    echoing(nodeB, address);
    assertThat(Blocking.await(requestOnceSeen(nodeA, address, "from A", PATIENT), START)).isEqualTo("echo from A");
  }

  @Test
  void aNodeWithAnotherCertificateCannotDeliverNorBeDeliveredTo() {
    String atB = "tls-test.b." + UUID.randomUUID();
    AtomicInteger receivedByB = echoing(nodeB, atB);
    String atIntruder = "tls-test.intruder." + UUID.randomUUID();
    AtomicInteger receivedByIntruder = echoing(intruder, atIntruder);

    // The TLS handshake fails (the node whose certificate is refused logs the alert), the message is dropped, and
    // its request times out.
    for (Future<String> refused : List.of(requestOnceSeen(intruder, atB, "from the intruder", BRIEF),
        requestOnceSeen(nodeA, atIntruder, "from A", BRIEF))) {
      assertThatThrownBy(() -> Blocking.await(refused, START))
          .satisfies(e -> System.out.println("refused: " + e))
          .isInstanceOf(ReplyException.class)
          .satisfies(e -> assertThat(((ReplyException) e).failureType())
              .as("the consumer was seen, the message did not reach it").isEqualTo(ReplyFailure.TIMEOUT));
    }
    assertThat(receivedByB).as("messages B received from the intruder").hasValue(0);
    assertThat(receivedByIntruder).as("messages the intruder received from A").hasValue(0);
    assertThat(Blocking.await(requestOnceSeen(nodeA, atB, "from A", PATIENT), START))
        .as("meanwhile, between the mesh's nodes")
        .isEqualTo("echo from A");
  }

  @Test
  void theBusCertificateKeyAndTrustedCertificatesGoTogether() {
    JsonObject cluster = new JsonObject().put("tlsCertPath", folder.resolve("mesh/server.crt").toString())
        .put("tlsKeyPath", folder.resolve("mesh/server.key").toString());
    assertThatThrownBy(() -> ClusterConfig.from(new JsonObject().put("cluster", cluster)))
        .hasMessage("cluster.tlsCertPath, cluster.tlsKeyPath and cluster.tlsTrustedCertPath go together: set all "
            + "three or none");
    cluster.put("tlsTrustedCertPath", "/nonexistent.pem");
    assertThatThrownBy(() -> ClusterConfig.from(new JsonObject().put("cluster", cluster)))
        .hasMessage("cluster.tlsTrustedCertPath /nonexistent.pem is not a readable file");
    assertThat(ClusterConfig.from(new JsonObject()).tls()).as("without the keys").isEmpty();
  }

  private static JsonObject node(String name, int port, JsonArray members, ServerCertificate certificate) {
    return new JsonObject().put("cluster", new JsonObject().put("name", name).put("host", "127.0.0.1")
        .put("port", port).put("members", members)
        .put("tlsCertPath", certificate.certificate().toString())
        .put("tlsKeyPath", certificate.privateKey().toString())
        .put("tlsTrustedCertPath", certificate.certificate().toString()));
  }

  /** A clustered Vert.x with the bus and Hazelcast set up as a mesh node's are. */
  private static Vertx start(JsonObject config) {
    ClusterConfig cluster = ClusterConfig.from(config);
    return Blocking.await(Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(MeshNode.eventBus(cluster, "127.0.0.1")))
        .withClusterManager(new HazelcastClusterManager(MeshNode.hazelcast(cluster, "127.0.0.1")))
        .buildClustered(), START);
  }

  /** A consumer on {@code node} that answers "echo " and what it got, known to the cluster; what it has received. */
  private static AtomicInteger echoing(Vertx node, String address) {
    AtomicInteger received = new AtomicInteger();
    Blocking.await(node.eventBus().<String>consumer(address, message -> {
      received.incrementAndGet();
      message.reply("echo " + message.body());
    }).completion(), START);
    return received;
  }

  /**
   * {@code body} sent to {@code address} from {@code node}, sent again while the node has not yet heard of the
   * consumer (a registration reaches the other members shortly after it completes): then its reply or failure.
   */
  private static Future<String> requestOnceSeen(Vertx node, String address, String body, DeliveryOptions delivery) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    return requestUntil(node, address, body, delivery, deadline);
  }

  private static Future<String> requestUntil(Vertx node, String address, String body, DeliveryOptions delivery,
                                             long deadline) {
    return node.eventBus().<String>request(address, body, delivery).map(reply -> reply.body())
        .recover(e -> e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
            && System.nanoTime() < deadline
            ? node.timer(50).compose(ignored -> requestUntil(node, address, body, delivery, deadline))
            : Future.failedFuture(e));
  }
}
