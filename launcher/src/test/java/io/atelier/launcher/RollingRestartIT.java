package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ops restart one node at a time while people keep working: every node is a JVM of its own, joined to one cluster,
 * stopped with SIGTERM as a supervisor stops it.
 */
class RollingRestartIT {

  private static final Pattern NODE_LINE = Pattern.compile("^Atelier node (\\S+) running (\\S+); Ctrl-C to stop$");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Debian's HAProxy in front of two edge nodes, checking {@code /health/ready} every 500 ms; wrk keeps 32
   * connections busy through it while each edge is sent SIGTERM and started again in turn. Not one request may fail.
   */
  @Test
  void rollingBothEdgesBehindHaproxyUnderLoadFailsNoRequest(@TempDir Path dir) throws Exception {
    List<LauncherProcess> processes = new ArrayList<>();
    try {
      LauncherProcess dev = LauncherProcess.start("dev", dir, Map.of(), "dev", "--data-dir",
          dir.resolve("data").toString(), "--port", Integer.toString(FreePorts.pick()), "--verticles", "enrichment");
      processes.add(dev);
      String key = dev.awaitApiKey();
      int[] edgePorts = {FreePorts.pick(), FreePorts.pick()};
      int[] clusterPorts = {FreePorts.pick(), FreePorts.pick()};
      LauncherProcess[] edges = new LauncherProcess[2];
      for (int i = 0; i < 2; i++) {
        edges[i] = startEdge(dir, "edge-" + (i + 1), edgePorts[i], clusterPorts[i], processes);
      }
      try (Haproxy haproxy = Haproxy.start(dir, FreePorts.pick(), FreePorts.pick(), edgePorts)) {
        haproxy.awaitBackends("UP", "UP");
        String url = "http://127.0.0.1:" + haproxy.front() + "/v1/webhooks/secret";
        assertThat(get(url, key).statusCode()).isEqualTo(200);

        // wrk runs until told to stop (SIGINT, after which it prints its counts): through the whole roll, however long
        // this machine takes to start the replacements, and a few seconds of steady load after it.
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c32", "-d600s",
            "-H", "Authorization: Bearer " + key, url).redirectErrorStream(true).start();
        long rollStarted = System.nanoTime();
        Thread.sleep(3_000);
        for (int i = 0; i < 2; i++) {
          String name = "edge-" + (i + 1);
          edges[i].sigterm();
          assertThat(edges[i].process.waitFor(60, TimeUnit.SECONDS)).as("%s stops on SIGTERM", name).isTrue();
          assertThat(edges[i].process.exitValue()).as(edges[i].transcript()).isZero();
          assertThat(edges[i].printed("draining")).as("%s drained:\n%s", name, edges[i].transcript()).isTrue();
          edges[i] = startEdge(dir, name + "-again", edgePorts[i], clusterPorts[i], processes);
          haproxy.awaitBackends("UP", "UP");
        }
        Duration roll = Duration.ofNanos(System.nanoTime() - rollStarted);
        Thread.sleep(5_000);
        assertThat(wrk.isAlive()).as("the load ran through the whole roll").isTrue();
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(wrk.pid())).start().waitFor()).isZero();
        String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(wrk.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Load counted = Load.parse(report);
        System.out.printf("rolling restart of 2 edges behind HAProxy (wrk -t2 -c32 throughout): %d requests, %d failed"
                + " (socket errors %d, non-2xx %d), roll took %d s%n", counted.requests(), counted.failed(),
            counted.socketErrors(), counted.non2xx(), roll.toSeconds());
        System.out.println(report);
        assertThat(counted.requests()).as(report).isGreaterThan(1_000);
        assertThat(counted.failed()).as(report).isZero();
      }
    } finally {
      for (LauncherProcess p : processes) {
        p.close();
        System.out.println(p.transcript());
      }
    }
  }

  /**
   * A transcription worker sent SIGTERM while it runs a long job gives the job back when its grace period is over:
   * the other worker finishes it long before the 60-second lease would have let it.
   */
  @Test
  void aWorkerStoppedMidJobHandsItOverAndTheOtherWorkerFinishesItWithoutWaitingForTheLease(@TempDir Path dir)
      throws Exception {
    Path recording = SpeechSamples.longRecording(dir);
    List<LauncherProcess> processes = new ArrayList<>();
    try {
      int port = FreePorts.pick();
      LauncherProcess dev = LauncherProcess.start("dev", dir, Map.of(), "dev", "--data-dir",
          dir.resolve("data").toString(), "--port", Integer.toString(port), "--verticles", "edge");
      processes.add(dev);
      String key = dev.awaitApiKey();
      String api = "http://127.0.0.1:" + port;
      Map<String, LauncherProcess> workersByNode = new HashMap<>();
      for (String name : List.of("worker-a", "worker-b")) {
        LauncherProcess worker = LauncherProcess.start(name, dir, Map.of(
                "ATELIER_CLUSTER_PORT", Integer.toString(FreePorts.pick()),
                "ATELIER_TRANSCRIPTION_WORK_DIRECTORY", dir.resolve(name).toString(),
                "ATELIER_TRANSCRIPTION_CONCURRENCY", "1",
                "ATELIER_TRANSCRIPTION_LEASE_SECONDS", "60",
                "ATELIER_DRAIN_GRACE_SECONDS", "2"),
            List.of("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve(name + "-tmp"))),
            "node", "--verticles", "transcription", "--config", dir.resolve("data/node.json").toString());
        processes.add(worker);
        workersByNode.put(worker.awaitLine(NODE_LINE, 120).group(1), worker);
      }
      String asset = new JsonObject(curl(key, "-F", "file=@" + recording, api + "/v1/assets")).getString("id");
      String job = new JsonObject(curl(key, "-H", "Content-Type: application/json", "-d",
          new JsonObject().put("type", "transcription").put("assetId", asset).encode(), api + "/v1/jobs")).getString("id");
      JsonObject running = awaitJob(key, api, job, j -> j.getString("state").equals("running"), 120);
      String holder = running.getJsonArray("history").getJsonObject(0).getString("worker");
      LauncherProcess stopped = workersByNode.get(holder.substring(0, holder.lastIndexOf('.')));
      assertThat(stopped).as("the job runs on one of the two workers: %s", holder).isNotNull();

      long sigterm = System.nanoTime();
      stopped.sigterm();
      assertThat(stopped.process.waitFor(60, TimeUnit.SECONDS)).as("the worker stops on SIGTERM").isTrue();
      assertThat(stopped.printed("handed back 1 unfinished jobs")).as(stopped.transcript()).isTrue();
      JsonObject finished = awaitJob(key, api, job, j -> j.getString("state").matches("succeeded|failed"), 50);
      Duration took = Duration.ofNanos(System.nanoTime() - sigterm);
      System.out.printf("job handed over by a stopping worker, finished elsewhere %d s after SIGTERM%n",
          took.toSeconds());
      assertThat(finished.getString("state")).as(finished.encode()).isEqualTo("succeeded");
      JsonArray history = finished.getJsonArray("history");
      assertThat(history).hasSize(2);
      assertThat(history.getJsonObject(0).getString("outcome")).isEqualTo("handed back");
      assertThat(history.getJsonObject(1).getString("outcome")).isEqualTo("succeeded");
      assertThat(history.getJsonObject(1).getString("worker")).isNotEqualTo(holder);
      assertThat(took).as("well before the 60 s lease").isLessThan(Duration.ofSeconds(50));
      assertThat(curl(key, api + "/v1/transcripts/" + job)).contains("dashwood");
    } finally {
      for (LauncherProcess p : processes) {
        p.close();
        System.out.println(p.transcript());
      }
    }
  }

  private static LauncherProcess startEdge(Path dir, String name, int port, int clusterPort,
                                           List<LauncherProcess> processes) throws Exception {
    LauncherProcess edge = LauncherProcess.start(name, dir, Map.of(
            "ATELIER_EDGE_PORT", Integer.toString(port),
            "ATELIER_CLUSTER_PORT", Integer.toString(clusterPort),
            "ATELIER_DRAIN_DELAY_SECONDS", "3",
            "ATELIER_DRAIN_GRACE_SECONDS", "10",
            // wrk sends as fast as the edges answer, with one key: far past its rate limit, which is not tested here.
            "ATELIER_LIMITS_REQUESTS_PER_SECOND", "0"),
        List.of("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve(name + "-tmp"))),
        "node", "--verticles", "edge", "--config", dir.resolve("data/node.json").toString());
    processes.add(edge);
    edge.awaitLine(NODE_LINE, 120);
    return edge;
  }

  /** wrk's counts: every socket error and every response that is not 2xx or 3xx is a failed request. */
  record Load(long requests, long socketErrors, long non2xx) {
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern SOCKET = Pattern.compile(
        "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    long failed() {
      return socketErrors + non2xx;
    }

    static Load parse(String report) {
      Matcher requests = REQUESTS.matcher(report);
      assertThat(requests.find()).as("wrk printed its counts:\n%s", report).isTrue();
      long socket = 0;
      Matcher errors = SOCKET.matcher(report);
      if (errors.find()) {
        for (int i = 1; i <= 4; i++) {
          socket += Long.parseLong(errors.group(i));
        }
      }
      Matcher non2xx = NON_2XX.matcher(report);
      return new Load(Long.parseLong(requests.group(1)), socket, non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
    }
  }

  private static HttpResponse<String> get(String url, String key) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject awaitJob(String key, String api, String job, java.util.function.Predicate<JsonObject> until,
                                     int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = new JsonObject(curl(key, api + "/v1/jobs/" + job));
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job never got there: " + last);
  }

  private static String curl(String key, String... args) throws Exception {
    return WorkerCrashIT.curl(key, args);
  }
}
