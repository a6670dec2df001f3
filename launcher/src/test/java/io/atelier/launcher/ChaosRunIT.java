package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos run: the whole mesh as separate JVMs under {@code atelier supervise} (two edges behind Debian's HAProxy,
 * two collab, two upload and two transcription nodes, one enrichment and one render node) on one set of embedded
 * PostgreSQL, Redis and S3, with steady traffic of every kind of user the whole time: REST reads and writes and a
 * stream of pipelines through HAProxy, real Yjs clients editing shared documents and tus-js-client uploads through
 * it too. Every verticle kind is rolled in turn ({@code atelier roll}), then one node of each kind that holds work in
 * flight is killed with SIGKILL and the supervisor brings it back. Not one request may fail during the rolls, and nothing may be lost:
 * every pipeline succeeds with one result per step, every client converges on every edit, every upload is stored
 * with its sha256.
 *
 * <p>The suite runs one round; {@code -Dchaos.rounds=N} repeats the rolls and kills ({@code bench/chaos}).
 */
class ChaosRunIT {

  /** The kinds rolled and killed, in turn ({@code -Dchaos.kinds=collab,edge} for fewer). */
  private static final List<String> KINDS = List.of(System.getProperty("chaos.kinds",
      "transcription,enrichment,render,upload,collab,edge").split(","));
  /**
   * The kinds killed with SIGKILL. The suite kills one node of each kind that holds work in flight (sockets, uploads,
   * a transcription); enrichment and render workers come back the same way as transcription's, and bench/chaos kills
   * them too.
   */
  private static final List<String> KILLS = List.of(System.getProperty("chaos.kills",
      "transcription,upload,collab,edge").split(","));
  private static final int ROUNDS = Integer.getInteger("chaos.rounds", 1);
  private static final Duration SETTLE = Duration.ofSeconds(Integer.getInteger("chaos.settleSeconds", 3));
  private static final int NODES = 10;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One roll or kill: what it was, how long until the mesh was whole again, and the requests in its window. */
  record Event(String what, boolean graceful, long startNanos, long endNanos, String note) {
    double seconds() {
      return (endNanos - startNanos) / 1e9;
    }
  }

  @Test
  void rollingAndKillingEveryKindOfNodeUnderSteadyTrafficLosesNothing(@TempDir Path dir) throws Exception {
    // The supervisor's block of node ports first: every other port is picked outside it (a replacement binds the
    // half of its pair that is free until then).
    int base = freeBlock(4 * NODES);
    IntSupplier ports = () -> outside(base, 4 * NODES);
    int[] edges = {ports.getAsInt(), ports.getAsInt()};
    int control = ports.getAsInt();
    Path plan = writePlan(dir, control, edges, base, ports);
    try (LauncherProcess supervisor = LauncherProcess.start("supervise", dir, Map.of(), "supervise", plan.toString());
         KeptLogs ignored = new KeptLogs(dir.resolve("data/logs"), supervisor)) {
      String key = supervisor.awaitApiKey();
      supervisor.awaitLine(Pattern.compile(".* supervise every node is ready; Ctrl-C to stop$"), 600);
      try (Haproxy haproxy = Haproxy.start(dir, ports.getAsInt(), ports.getAsInt(), edges)) {
        haproxy.awaitBackends("UP", "UP");
        String front = "http://127.0.0.1:" + haproxy.front();
        List<Path> recordings = SpeechSamples.librivox().stream().map(SpeechSamples.Sample::wav).limit(3).toList();
        List<String> browserLines = Collections.synchronizedList(new ArrayList<>());
        Process browsers = NodeScripts.start(Path.of("src", "test", "js", "chaos").toAbsolutePath(), browserLines,
            "traffic.mjs", "--api", front, "--key", key, "--docs", "2", "--clients", "3", "--rate", "2",
            "--upload-kib", "2048");
        awaitLine(browserLines, "\"ready\":true", browsers, Duration.ofSeconds(120));
        List<Event> events = new ArrayList<>();
        ChaosTraffic traffic = new ChaosTraffic(front, key, recordings).start(2, Duration.ofSeconds(5));
        try {
          Thread.sleep(SETTLE.toMillis());
          for (int round = 0; round < ROUNDS; round++) {
            for (String kind : KINDS) {
              events.add(roll(control, kind));
              Thread.sleep(SETTLE.toMillis());
            }
            for (String kind : KILLS) {
              events.add(kill(control, kind, haproxy));
              Thread.sleep(SETTLE.toMillis());
            }
          }
        } finally {
          traffic.close();
        }
        browsers.getOutputStream().write("stop\n".getBytes(StandardCharsets.UTF_8));
        browsers.getOutputStream().flush();
        assertThat(browsers.waitFor(240, TimeUnit.SECONDS)).as("the browser traffic ends:\n%s", browserLines).isTrue();
        JsonObject summary = browserLines.stream().filter(l -> l.startsWith("{\"summary\""))
            .map(l -> new JsonObject(l).getJsonObject("summary")).findFirst()
            .orElseThrow(() -> new AssertionError("no summary from the browser traffic:\n" + browserLines));

        List<String> lost = awaitPipelines(traffic);
        List<ChaosTraffic.Request> requests = traffic.requests();
        printTable(events, requests, traffic.pipelines().size(), lost, summary);
        System.out.println("browser traffic: " + summary.encodePrettily());

        for (Event event : events.stream().filter(Event::graceful).toList()) {
          assertThat(failuresIn(event, requests)).as("requests failed through HAProxy during %s", event.what())
              .isEmpty();
        }
        assertThat(traffic.pipelines()).as("pipelines submitted").hasSizeGreaterThan(5);
        assertThat(lost).as("pipelines that did not succeed with one result per step").isEmpty();
        for (Object doc : summary.getJsonArray("documents")) {
          JsonObject d = (JsonObject) doc;
          assertThat(d.getBoolean("converged")).as("document %s converged: %s", d.getString("name"), d).isTrue();
          assertThat(d.getInteger("missingStored")).as("edits of %s missing from storage", d.getString("name")).isZero();
        }
        JsonObject uploads = summary.getJsonObject("uploads");
        assertThat(uploads.getInteger("total")).as("uploads").isGreaterThan(3);
        assertThat(uploads.getJsonArray("failed")).as("uploads not stored with their sha256").isEmpty();
      }
    }
  }

  /** The nodes' logs and the supervisor's output, kept in target/chaos-logs when the run ends (the temp dir goes). */
  private record KeptLogs(Path logs, LauncherProcess supervisor) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      Path kept = Path.of("target", "chaos-logs");
      DevCommand.deleteTree(kept);
      Files.createDirectories(kept);
      Files.writeString(kept.resolve("supervise.log"), supervisor.transcript());
      if (Files.isDirectory(logs)) {
        try (var files = Files.list(logs)) {
          for (Path log : files.toList()) {
            Files.copy(log, kept.resolve(log.getFileName()));
          }
        }
      }
    }
  }

  private static Path writePlan(Path dir, int control, int[] edges, int base, IntSupplier ports) throws IOException {
    JsonArray nodes = new JsonArray()
        .add(node("edge-1", "edge", "ATELIER_EDGE_PORT", edges[0]))
        .add(node("edge-2", "edge", "ATELIER_EDGE_PORT", edges[1]))
        .add(node("collab-1", "collab", "ATELIER_COLLAB_PORT", ports.getAsInt()))
        .add(node("collab-2", "collab", "ATELIER_COLLAB_PORT", ports.getAsInt()))
        .add(node("upload-1", "upload", "ATELIER_UPLOAD_PORT", ports.getAsInt()))
        .add(node("upload-2", "upload", "ATELIER_UPLOAD_PORT", ports.getAsInt()))
        .add(new JsonObject().put("name", "transcription-1").put("verticles", "transcription"))
        .add(new JsonObject().put("name", "transcription-2").put("verticles", "transcription"))
        .add(new JsonObject().put("name", "enrichment-1").put("verticles", "enrichment"))
        .add(new JsonObject().put("name", "render-1").put("verticles", "render"));
    JsonObject plan = new JsonObject()
        .put("embedded", new JsonObject().put("dataDir", dir.resolve("data").toString()))
        .put("control", new JsonObject().put("port", control))
        .put("portBase", base)
        .put("javaOptions", new JsonArray().add("-Xms64m").add("-Xmx400m").add("-XX:+UseSerialGC")
            .add("-XX:TieredStopAtLevel=1"))
        // HAProxy checks every 500 ms and takes an edge out after two failed checks: 2 s of drain delay covers it.
        // The traffic is one key's, at about the default rate limit: the run is about rolling, limits have tests
        // of their own (RateLimitTest).
        .put("environment", new JsonObject().put("ATELIER_LIMITS_REQUESTS_PER_SECOND", "1000")
            .put("ATELIER_LIMITS_BURST", "5000").put("ATELIER_DRAIN_DELAY_SECONDS", "2")
            .put("ATELIER_DRAIN_GRACE_SECONDS", "15").put("ATELIER_TRANSCRIPTION_LEASE_SECONDS", "15")
            .put("ATELIER_ENRICHMENT_LEASE_SECONDS", "15").put("ATELIER_RENDER_LEASE_SECONDS", "15")
            .put("ATELIER_UPLOAD_LEASE_SECONDS", "4"))
        .put("nodes", nodes);
    Path file = dir.resolve("chaos-plan.json");
    Files.writeString(file, plan.encodePrettily());
    return file;
  }

  /** A node of one verticle listening on {@code port}. */
  private static JsonObject node(String name, String verticle, String variable, int port) {
    return new JsonObject().put("name", name).put("verticles", verticle)
        .put("environment", new JsonObject().put(variable, Integer.toString(port)));
  }

  /** A free port outside {@code [base, base + size)}. */
  private static int outside(int base, int size) {
    while (true) {
      int port = FreePorts.pick();
      if (port < base || port >= base + size) {
        return port;
      }
    }
  }

  private static Event roll(int control, String kind) throws Exception {
    long start = System.nanoTime();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control + "/roll?verticle=" + kind))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    List<String> lines = response.body().lines().toList();
    assertThat(response.statusCode()).as("roll %s: %s", kind, response.body()).isEqualTo(200);
    assertThat(lines).as("roll %s", kind).isNotEmpty();
    JsonObject last = new JsonObject(lines.get(lines.size() - 1));
    assertThat(last.getString("event")).as("roll %s: %s", kind, lines).isEqualTo("rolled");
    return new Event("roll " + kind, true, start, System.nanoTime(), last.getInteger("nodes") + " node(s)");
  }

  /** SIGKILL to the first node of {@code kind}; over when the supervisor has every node ready again. */
  private static Event kill(int control, String kind, Haproxy haproxy) throws Exception {
    JsonArray before = nodes(control);
    JsonObject victim = before.stream().map(JsonObject.class::cast)
        .filter(n -> n.getString("verticles").equals(kind) && n.getLong("pid") != null).findFirst()
        .orElseThrow(() -> new AssertionError("no running node of " + kind + ": " + before));
    long start = System.nanoTime();
    ProcessHandle.of(victim.getLong("pid")).orElseThrow().destroyForcibly();
    Thread.sleep(500);
    long deadline = start + TimeUnit.SECONDS.toNanos(240);
    while (System.nanoTime() < deadline) {
      boolean whole = nodes(control).stream().map(JsonObject.class::cast)
          .allMatch(n -> "ready".equals(n.getString("state")));
      if (whole && (!kind.equals("edge") || haproxy.backends().equals(List.of("UP", "UP")))) {
        return new Event("kill -9 " + victim.getString("name"), false, start, System.nanoTime(), "back to whole");
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the mesh was not whole again 240 s after " + victim.getString("name") + " was killed: "
        + nodes(control));
  }

  private static JsonArray nodes(int control) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control + "/nodes"))
        .timeout(Duration.ofSeconds(30)).build();
    return new JsonArray(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
  }

  /**
   * Waits for every pipeline to end; those that did not succeed with exactly one succeeded attempt and one result per
   * step, described.
   */
  private static List<String> awaitPipelines(ChaosTraffic traffic) throws Exception {
    List<String> lost = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    for (String id : traffic.pipelines()) {
      JsonObject pipeline = traffic.read("/v1/pipelines/" + id);
      while (!pipeline.getString("state").matches("succeeded|failed|cancelled") && System.nanoTime() < deadline) {
        Thread.sleep(500);
        pipeline = traffic.read("/v1/pipelines/" + id);
      }
      if (!pipeline.getString("state").equals("succeeded")) {
        lost.add(id + ": " + pipeline.encode());
        continue;
      }
      for (Object s : pipeline.getJsonArray("steps")) {
        JsonObject step = (JsonObject) s;
        String job = step.getString("jobId");
        JsonObject read = traffic.read("/v1/jobs/" + job);
        long succeeded = read.getJsonArray("history").stream().map(JsonObject.class::cast)
            .filter(a -> "succeeded".equals(a.getString("outcome"))).count();
        String result = switch (step.getString("type")) {
          case "transcription" -> "/v1/transcripts/" + job;
          case "enrichment" -> "/v1/enrichments/" + job;
          default -> "/v1/renders/" + job;
        };
        if (succeeded != 1 || traffic.status(result) != 200) {
          lost.add(id + " step " + step.getString("type") + ": " + succeeded + " succeeded attempts, " + result
              + " answered " + traffic.status(result) + ": " + read.encode());
        }
      }
    }
    return lost;
  }

  private static List<ChaosTraffic.Request> failuresIn(Event event, List<ChaosTraffic.Request> requests) {
    return requests.stream().filter(r -> r.failure() != null)
        .filter(r -> r.endNanos() >= event.startNanos() && r.startNanos() <= event.endNanos()).toList();
  }

  private static void printTable(List<Event> events, List<ChaosTraffic.Request> requests, int pipelines,
                                 List<String> lost, JsonObject browsers) {
    StringBuilder table = new StringBuilder("\nchaos run: " + ROUNDS + " round(s): " + String.join(", ", KINDS)
        + " rolled, then one node of each of " + String.join(", ", KILLS) + " killed with SIGKILL\n");
    table.append(String.format("%-26s %9s %9s %7s  %s%n", "event", "seconds", "requests", "failed", "note"));
    for (Event event : events) {
      long during = requests.stream()
          .filter(r -> r.endNanos() >= event.startNanos() && r.startNanos() <= event.endNanos()).count();
      List<ChaosTraffic.Request> failed = failuresIn(event, requests);
      table.append(String.format("%-26s %9.1f %9d %7d  %s%s%n", event.what(), event.seconds(), during, failed.size(),
          event.note(), failed.isEmpty() ? "" : "; first: " + failed.get(0).what() + " " + failed.get(0).failure()));
    }
    long failedRequests = requests.stream().filter(r -> r.failure() != null).count();
    JsonObject uploads = browsers.getJsonObject("uploads");
    table.append(String.format("HTTP requests through HAProxy: %d, failed %d (all during kills)%n", requests.size(),
        failedRequests));
    table.append(String.format("pipelines (transcription, enrichment, render): %d submitted, %d lost%n", pipelines,
        lost.size()));
    for (Object doc : browsers.getJsonArray("documents")) {
      JsonObject d = (JsonObject) doc;
      table.append(String.format("document %s: %d edits by %d clients, converged %s, missing in storage %d, "
              + "reconnects %d%n", d.getString("name"), d.getInteger("edits"), d.getJsonArray("missingPerClient").size(),
          d.getBoolean("converged"), d.getInteger("missingStored"), d.getInteger("disconnects")));
    }
    table.append(String.format("tus uploads: %d, stored with their sha256 %d, requests retried %d%n",
        uploads.getInteger("total"), uploads.getInteger("verified"), uploads.getInteger("retriedRequests")));
    System.out.println(table);
  }

  private static void awaitLine(List<String> lines, String fragment, Process process, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (lines) {
        if (lines.stream().anyMatch(l -> l.contains(fragment))) {
          return;
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no line with " + fragment + ":\n" + String.join("\n", lines));
  }

  /** The first of {@code size} consecutive free loopback ports. */
  private static int freeBlock(int size) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = FreePorts.pick();
      if (base + size > 65000) {
        continue;
      }
      boolean free = true;
      for (int port = base; port < base + size && free; port++) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
          socket.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no block of " + size + " free ports");
  }
}
