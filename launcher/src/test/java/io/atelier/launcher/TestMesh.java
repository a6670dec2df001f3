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
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A two-node mesh on real embedded PostgreSQL, Redis and S3, shared by the tests of this JVM: node A runs the edge
 * and collab, node B a second edge, collab and the transcription and enrichment workers, joined in one Hazelcast cluster over loopback.
 * Two projects, each with a key. Tests that use it leave nothing running behind them ({@link LeaveNothingBehind}).
 */
final class TestMesh {

  private static TestMesh instance;
  /** The suite's tests share a few keys and send bursts; RateLimitTest checks the limits on nodes of its own. */
  private static final JsonObject SUITE_LIMITS = new JsonObject().put("requestsPerSecond", 10_000)
      .put("burst", 100_000);

  final Path folder;
  final EmbeddedServices services;
  final JsonObject edgeConfig;
  final JsonObject workerConfig;
  final MeshNode edgeNode;
  final MeshNode workerNode;
  /** The folder node A's edge serves at {@code /app/} ({@code edge.webDirectory}): tests build pages into it. */
  final Path webDirectory;
  final int edgePort;
  /** The edge of node B: what a client reaches through another node of the cluster. */
  final int edgePortB;
  final Vertx clientVertx;
  final Pool pool;
  final ApiKeyRepository.NewProject projectA;
  final ApiKeyRepository.NewProject projectB;
  private final List<ApiKeyRepository.NewProject> projects = new ArrayList<>();
  private final String cluster;
  private final List<String> members;

  private TestMesh() throws IOException {
    // The nodes' folders are inside the services' one, which goes with them when they stop.
    services = EmbeddedServices.startTemporary("atelier-test-");
    folder = services.folder();
    int portA = FreePorts.pick();
    int portB = FreePorts.pick();
    edgePort = FreePorts.pick();
    edgePortB = FreePorts.pick();
    members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    cluster = "atelier-test-" + UUID.randomUUID();
    edgeConfig = EmbeddedMeshConfig.build(services, folder.resolve("a"), edgePort, cluster, portA, members);
    workerConfig = EmbeddedMeshConfig.build(services, folder.resolve("b"), edgePortB, cluster, portB, members);
    for (JsonObject config : List.of(edgeConfig, workerConfig)) {
      config.put("limits", SUITE_LIMITS.copy());
    }
    webDirectory = Files.createDirectories(folder.resolve("web"));
    edgeConfig.getJsonObject("edge").put("webDirectory", webDirectory.toString());
    // A long lease: a cancellation that stops a job within a second came over the bus, not with a renewal.
    workerConfig.getJsonObject("transcription").put("concurrency", 2).put("leaseSeconds", 30);
    Migrations.apply(PostgresConfig.from(edgeConfig));
    Future<MeshNode> a = MeshNode.start(edgeConfig, EnumSet.of(VerticleName.EDGE, VerticleName.COLLAB, VerticleName.UPLOAD));
    // Render is left to the tests that use it: they stop and start it as an operator would.
    Future<MeshNode> b = MeshNode.start(workerConfig,
        EnumSet.of(VerticleName.EDGE, VerticleName.COLLAB, VerticleName.TRANSCRIPTION, VerticleName.ENRICHMENT,
            VerticleName.UPLOAD));
    edgeNode = Blocking.await(a, Duration.ofMinutes(2));
    workerNode = Blocking.await(b, Duration.ofMinutes(2));
    clientVertx = Vertx.vertx();
    pool = DatabasePool.create(clientVertx, PostgresConfig.from(edgeConfig));
    ApiKeyRepository keys = new ApiKeyRepository(pool);
    projectA = Blocking.await(keys.createProject("project a"), Duration.ofSeconds(30));
    projectB = Blocking.await(keys.createProject("project b"), Duration.ofSeconds(30));
    projects.add(projectA);
    projects.add(projectB);
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "test-mesh-shutdown"));
  }

  /**
   * What PostgreSQL's sessions are doing (waits, open transactions) and where the JVM's event loops and workers are:
   * for a test whose request never ended. Never fails.
   */
  static String whatItIsDoing() {
    StringBuilder said = new StringBuilder();
    TestMesh mesh;
    synchronized (TestMesh.class) {
      mesh = instance;
    }
    if (mesh != null) {
      try {
        mesh.pool.query("""
                SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS in_transaction,
                       now() - query_start AS in_query, pg_blocking_pids(pid) AS blocked_by, left(query, 200) AS query
                FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                ORDER BY xact_start NULLS LAST""").execute()
            .await(10, java.util.concurrent.TimeUnit.SECONDS)
            .forEach(row -> said.append("postgres ").append(row.toJson().encode()).append('\n'));
      } catch (Exception e) {
        said.append("postgres: no answer (").append(e).append(")\n");
      }
    }
    for (java.lang.management.ThreadInfo thread : java.lang.management.ManagementFactory.getThreadMXBean()
        .dumpAllThreads(false, false)) {
      String name = thread.getThreadName();
      if (name.startsWith("vert.x-eventloop") || name.startsWith("vert.x-worker") || name.startsWith("atelier-")) {
        said.append("thread ").append(name).append(' ').append(thread.getThreadState());
        for (StackTraceElement frame : java.util.Arrays.copyOf(thread.getStackTrace(),
            Math.min(12, thread.getStackTrace().length))) {
          said.append("\n    at ").append(frame);
        }
        said.append('\n');
      }
    }
    return said.toString();
  }

  static synchronized TestMesh get() throws IOException {
    if (instance == null) {
      instance = new TestMesh();
    }
    return instance;
  }

  /** The key every node of the mesh signs and checks collaboration tokens with. */
  String tokenSigningKey() {
    return edgeConfig.getJsonObject("tokens").getJsonArray("signingKeys").getString(0);
  }

  ApiClient client(String apiKey) {
    return new ApiClient(clientVertx, edgePort, apiKey);
  }

  /** The configuration of one more node joining this mesh's cluster, with its files under {@code name}. */
  JsonObject configOfAnotherNode(String name) {
    int port = FreePorts.pick();
    List<String> all = new ArrayList<>(members);
    all.add("127.0.0.1:" + port);
    return EmbeddedMeshConfig.build(services, folder.resolve(name), 0, cluster, port, all)
        .put("limits", SUITE_LIMITS.copy());
  }

  /**
   * An asset stored as it is, past the API's checks: a file that went bad in storage after it was accepted, for the
   * tests of what the workers make of one. Its id.
   */
  String storeDamagedAsset(UUID projectId, byte[] bytes, String contentType) {
    UUID assetId = UUID.randomUUID();
    String key = io.atelier.storage.ObjectKeys.of(projectId, io.atelier.storage.ObjectKeys.Folder.ASSETS, assetId,
        "original");
    io.atelier.storage.ObjectStorage storage = io.atelier.storage.ObjectStorage.create(clientVertx,
        io.atelier.storage.S3Config.from(edgeConfig));
    try {
      Blocking.await(storage.putBytes(key, bytes, contentType), Duration.ofSeconds(30));
    } finally {
      storage.close();
    }
    String sha256;
    try {
      sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Blocking.await(new io.atelier.database.AssetRepository(pool).insert(new io.atelier.database.Asset(assetId,
        projectId, "damaged", contentType, bytes.length, sha256, key, null, null)), Duration.ofSeconds(30));
    return assetId.toString();
  }

  /**
   * A third node of the cluster running {@code verticles}, its edge on {@code edgePort}, its configuration changed by
   * {@code configure} first; the test stops it.
   */
  MeshNode startAnotherNode(String name, int edgePort, java.util.function.Consumer<JsonObject> configure,
                            java.util.Set<VerticleName> verticles) {
    JsonObject config = configOfAnotherNode(name);
    config.getJsonObject("edge").put("port", edgePort);
    config.put("metrics", new JsonObject().put("enabled", false));
    configure.accept(config);
    return Blocking.await(MeshNode.start(config, EnumSet.copyOf(verticles)), Duration.ofMinutes(1));
  }

  /** A client of node B's edge. */
  ApiClient clientOfNodeB(String apiKey) {
    return new ApiClient(clientVertx, edgePortB, apiKey);
  }

  /** A project of its own, for a test that counts what is in its project. */
  ApiKeyRepository.NewProject newProject(String name) {
    ApiKeyRepository.NewProject created = Blocking.await(new ApiKeyRepository(pool).createProject(name),
        Duration.ofSeconds(30));
    synchronized (projects) {
      projects.add(created);
    }
    return created;
  }

  /**
   * Cancels, through the API, every job of the mesh's projects that is still queued or running, and waits until
   * each has ended: what one test left running must not take the workers' time from the next.
   */
  void cancelUnfinishedJobs() throws InterruptedException {
    List<ApiKeyRepository.NewProject> all;
    synchronized (projects) {
      all = List.copyOf(projects);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (ApiKeyRepository.NewProject project : all) {
      ApiClient api = client(project.apiKey());
      List<UUID> unfinished = unfinishedJobs(project.projectId());
      unfinished.forEach(job -> ApiClient.await(api.post("/v1/jobs/" + job + "/cancel").send()));
      while (!unfinishedJobs(project.projectId()).isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("jobs of project " + project.name() + " still unfinished after cancellation: "
              + unfinishedJobs(project.projectId()));
        }
        Thread.sleep(50);
      }
    }
  }

  private List<UUID> unfinishedJobs(UUID projectId) {
    List<UUID> ids = new ArrayList<>();
    Blocking.await(pool.preparedQuery("SELECT id FROM jobs WHERE project_id = $1 AND finished_at IS NULL")
        .execute(Tuple.of(projectId)), Duration.ofSeconds(30)).forEach(row -> ids.add(row.getUUID("id")));
    return ids;
  }

  /** After each test: nothing it submitted is still queued or running. */
  static final class LeaveNothingBehind implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
      get().cancelUnfinishedJobs();
    }
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
