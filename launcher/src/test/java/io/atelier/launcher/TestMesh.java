package io.atelier.launcher;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/**
 * A two-node mesh on real embedded PostgreSQL, Redis and S3, shared by the tests of this JVM: node A runs the edge,
 * node B the transcription and enrichment workers, joined in one Hazelcast cluster over loopback. Two projects, each with a key.
 */
final class TestMesh {

  private static TestMesh instance;

  final Path folder;
  final EmbeddedServices services;
  final JsonObject edgeConfig;
  final JsonObject workerConfig;
  final MeshNode edgeNode;
  final MeshNode workerNode;
  final int edgePort;
  final Vertx clientVertx;
  final Pool pool;
  final ApiKeyRepository.NewProject projectA;
  final ApiKeyRepository.NewProject projectB;

  private TestMesh() throws IOException {
    // The nodes' folders are inside the services' one, which goes with them when they stop.
    services = EmbeddedServices.startTemporary("atelier-test-");
    folder = services.folder();
    int portA = FreePorts.pick();
    int portB = FreePorts.pick();
    edgePort = FreePorts.pick();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    String cluster = "atelier-test-" + UUID.randomUUID();
    edgeConfig = EmbeddedMeshConfig.build(services, folder.resolve("a"), edgePort, cluster, portA, members);
    workerConfig = EmbeddedMeshConfig.build(services, folder.resolve("b"), 0, cluster, portB, members);
    workerConfig.getJsonObject("transcription").put("concurrency", 2).put("leaseSeconds", 10);
    Migrations.apply(PostgresConfig.from(edgeConfig));
    Future<MeshNode> a = MeshNode.start(edgeConfig, EnumSet.of(VerticleName.EDGE));
    // Render is left to the tests that use it: they stop and start it as an operator would.
    Future<MeshNode> b = MeshNode.start(workerConfig, EnumSet.of(VerticleName.TRANSCRIPTION, VerticleName.ENRICHMENT));
    edgeNode = Blocking.await(a, Duration.ofMinutes(2));
    workerNode = Blocking.await(b, Duration.ofMinutes(2));
    clientVertx = Vertx.vertx();
    pool = DatabasePool.create(clientVertx, PostgresConfig.from(edgeConfig));
    ApiKeyRepository keys = new ApiKeyRepository(pool);
    projectA = Blocking.await(keys.createProject("project a"), Duration.ofSeconds(30));
    projectB = Blocking.await(keys.createProject("project b"), Duration.ofSeconds(30));
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "test-mesh-shutdown"));
  }

  static synchronized TestMesh get() throws IOException {
    if (instance == null) {
      instance = new TestMesh();
    }
    return instance;
  }

  ApiClient client(String apiKey) {
    return new ApiClient(clientVertx, edgePort, apiKey);
  }

  private void close() {
    try {
      Blocking.await(Future.join(edgeNode.stop(), workerNode.stop()), Duration.ofSeconds(60));
      Blocking.await(clientVertx.close(), Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      System.err.println("test mesh did not stop cleanly: " + e);
    } finally {
      services.close();
    }
  }
}
