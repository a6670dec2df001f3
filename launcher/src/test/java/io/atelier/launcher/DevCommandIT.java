package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher as a person uses it: {@code java -jar atelier.jar dev}, the README's curl lines against it,
 * then Ctrl-C (SIGTERM). Nothing may be left running or lying around in temporary folders.
 */
class DevCommandIT {

  @Test
  void devServesTheReadmeApiAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    Path jvmTmp = Files.createDirectories(dir.resolve("tmp"));
    Set<String> systemTmpBefore = listing(Path.of("/tmp"));
    int port = FreePorts.pick();
    try (LauncherProcess dev = LauncherProcess.start("dev", dir, Map.of(), List.of("-Djava.io.tmpdir=" + jvmTmp),
        "dev", "--data-dir", dir.resolve("data").toString(), "--port", Integer.toString(port))) {
      try {
        String key = dev.awaitApiKey();
        assertThat(dev.printed("http://127.0.0.1:" + port)).isTrue();
        // Redis and the S3 server are child processes; PostgreSQL's postmaster detaches (pg_ctl): find it by its pid file.
        List<ProcessHandle> servers = new ArrayList<>(dev.process.descendants().toList());
        assertThat(servers).as("redis and the S3 server run as child processes").hasSizeGreaterThanOrEqualTo(2);
        long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("data/services/postgres/postmaster.pid")).get(0).trim());
        servers.add(ProcessHandle.of(postmaster).orElseThrow(() -> new AssertionError("postgres is not running")));

        String readmeOutput = runReadmeApiLines(key, port, dir);
        assertThat(readmeOutput).contains("\"state\":\"succeeded\"").contains("dashwood").contains(" --> ")
            .contains("\"type\":\"pipeline\",\"state\":\"succeeded\"").contains("image/png, ")
            .containsPattern("kit.zip: [1-9][0-9]+ bytes");

        String webhookSecret = new JsonObject(httpGet("http://127.0.0.1:" + port + "/v1/webhooks/secret", key))
            .getString("secret");
        dev.sigterm();
        assertThat(dev.process.waitFor(90, TimeUnit.SECONDS)).as("dev stops within 90 s of SIGTERM").isTrue();
        assertThat(dev.process.exitValue()).isZero();
        // The mesh stops before the servers it uses: nothing of it reaches for a server that has gone.
        List<String> afterStop = dev.linesAfter("draining");
        assertThat(afterStop).as(dev.transcript()).isNotEmpty()
            .noneMatch(line -> line.contains("Connection refused") || line.contains("ClosedConnection"));
        assertThat(afterStop).anyMatch(line -> line.contains("embedded services stopped"));
        for (ProcessHandle server : servers) {
          server.onExit().get(10, TimeUnit.SECONDS);
          assertThat(server.isAlive()).as("child %s still running", server.info().command().orElse("?")).isFalse();
        }
        assertThat(listing(jvmTmp)).as("the JVM's temporary folder is left empty").isEmpty();
        // Secrets stay out of the logs of the whole run: the key only in the one line that hands it over.
        JsonObject written = new JsonObject(Files.readString(dir.resolve("data/node.json")));
        String[] secrets = {written.getJsonObject("tokens").getJsonArray("signingKeys").getString(0),
            written.getJsonObject("s3").getString("secretKey"), webhookSecret,
            webhookSecret.substring("whsec_".length())};
        assertThat(secrets).allSatisfy(secret -> assertThat(secret).hasSizeGreaterThanOrEqualTo(16));
        for (String line : dev.transcript().split("\n")) {
          assertThat(line).as("a line of dev's output").doesNotContain(secrets);
          if (!line.equals("ATELIER_API_KEY=" + key)) {
            assertThat(line).as("a line of dev's output").doesNotContain(key);
          }
        }
        Set<String> systemTmpAfter = listing(Path.of("/tmp"));
        systemTmpAfter.removeAll(systemTmpBefore);
        assertThat(systemTmpAfter).as("new entries in /tmp")
            .noneMatch(n -> n.startsWith("redis") || n.startsWith("embedded-pg") || n.startsWith(".s.PGSQL")
                || n.startsWith("vertx-cache") || n.startsWith("s3proxy") || n.startsWith("hazelcast"));
      } finally {
        System.out.println(dev.transcript());
      }
    }
  }

  /**
   * A second JVM runs the {@code node} command with the worker verticles, configured from the file dev
   * wrote plus environment variables, and joins dev's cluster; dev runs only the edge. The README's lines still
   * work: the job crossed from one process to the other.
   */
  @Test
  void aNodeInAnotherJvmJoinsTheDevClusterAndRunsItsJobs(@TempDir Path dir) throws Exception {
    int port = FreePorts.pick();
    try (LauncherProcess dev = LauncherProcess.start("dev", dir, Map.of(), "dev", "--data-dir",
        dir.resolve("data").toString(), "--port", Integer.toString(port), "--verticles", "edge")) {
      String key = dev.awaitApiKey();
      int metricsPort = FreePorts.pick();
      try (LauncherProcess node = LauncherProcess.start("node", dir, Map.of(
          "ATELIER_METRICS_PORT", Integer.toString(metricsPort),
          "ATELIER_CLUSTER_PORT", Integer.toString(FreePorts.pick()),
          "ATELIER_TRANSCRIPTION_WORK_DIRECTORY", dir.resolve("node-work").toString()),
          "node", "--verticles", "transcription,enrichment,render", "--config", dir.resolve("data/node.json").toString())) {
        try {
          node.awaitLine(Pattern.compile("^Atelier node \\S+ running transcription.*"), 120);
          dev.awaitLine(Pattern.compile(".*Members \\{size:2, .*"), 60);

          String readmeOutput = runReadmeApiLines(key, port, dir);
          assertThat(readmeOutput).contains("\"state\":\"succeeded\"").contains("dashwood");
          assertThat(node.printed("succeeded in")).isTrue();
          assertThat(dev.printed("worker=transcription")).isFalse();
          // The worker node shows its own run times; the edge shows the queue, read from PostgreSQL. The README's
          // lines transcribe three times: a job, a pipeline's step and a call of the OpenAI-compatible endpoint.
          assertThat(httpGet("http://127.0.0.1:" + metricsPort + "/metrics"))
              .containsPattern("atelier_jobs_run_seconds_count\\{kind=\"transcription\",outcome=\"succeeded\"[^}]*\\} 3")
              .containsPattern("atelier_jobs_run_seconds_count\\{kind=\"render\",outcome=\"succeeded\"[^}]*\\} 1");
          assertThat(httpGet("http://127.0.0.1:" + port + "/metrics")).contains("atelier_jobs_queued{kind=\"transcription\"");
          assertThat(new JsonObject(httpGet("http://127.0.0.1:" + port + "/health")).getString("status")).isEqualTo("up");
          assertThat(new JsonObject(httpGet("http://127.0.0.1:" + metricsPort + "/health")).getString("status"))
              .isEqualTo("up");

          // An operator makes a project for a new team against the running mesh: its key opens that project only.
          try (LauncherProcess create = LauncherProcess.start("project-create", dir, Map.of(), "project", "create",
              "--name", "newsroom", "--config", dir.resolve("data/node.json").toString())) {
            String projectId = create.awaitLine(Pattern.compile("^ATELIER_PROJECT_ID=([0-9a-f-]{36})$"), 60).group(1);
            String newKey = create.awaitLine(LauncherProcess.KEY_LINE, 60).group(1);
            assertThat(create.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(create.process.exitValue()).as(create.transcript()).isZero();
            assertThat(newKey).isNotEqualTo(key);
            assertThat(httpGet("http://127.0.0.1:" + port + "/v1/webhooks/secret", newKey)).contains("whsec_");
            assertThat(httpGet("http://127.0.0.1:" + port + "/v1/webhooks/secret", newKey))
                .isNotEqualTo(httpGet("http://127.0.0.1:" + port + "/v1/webhooks/secret", key));
            assertThat(projectId).isNotBlank();
            // dev limits keys as production does, by default: 50 requests a second in bursts of 100.
            var limited = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/v1/jobs")).header("Authorization", "Bearer " + newKey)
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(limited.headers().firstValue("RateLimit-Limit")).hasValue("100");
            assertThat(Integer.parseInt(limited.headers().firstValue("RateLimit-Remaining").orElseThrow()))
                .isBetween(90, 99);
          }

          node.sigterm();
          assertThat(node.process.waitFor(60, TimeUnit.SECONDS)).as("node stops on SIGTERM").isTrue();
          assertThat(node.process.exitValue()).isZero();

          // A drain that takes too long is cut short by a second signal.
          try (LauncherProcess slow = LauncherProcess.start("slow-edge", dir, Map.of(
              "ATELIER_EDGE_PORT", Integer.toString(FreePorts.pick()),
              "ATELIER_CLUSTER_PORT", Integer.toString(FreePorts.pick()),
              "ATELIER_DRAIN_DELAY_SECONDS", "120"),
              "node", "--verticles", "edge", "--config", dir.resolve("data/node.json").toString())) {
            slow.awaitLine(Pattern.compile("^Atelier node \\S+ running edge.*"), 120);
            slow.sigterm();
            slow.awaitLine(Pattern.compile(".*node=\\S+ draining: serving 120 s more.*"), 30);
            slow.sigterm();
            assertThat(slow.process.waitFor(10, TimeUnit.SECONDS)).as("a second SIGTERM stops it at once").isTrue();
            assertThat(slow.process.exitValue()).isEqualTo(1);
            assertThat(slow.printed("received again, stopping at once")).isTrue();
          }
        } finally {
          System.out.println(dev.transcript() + "\n" + node.transcript());
        }
      }
    }
  }

  /** Runs the README's API block, as written, against this instance. */
  static String runReadmeApiLines(String key, int port, Path dir) throws Exception {
    String readme = Files.readString(Path.of(System.getProperty("atelier.readme")));
    Matcher block = Pattern.compile("<!-- api:begin -->\\s*```bash\\n(.*?)```\\s*<!-- api:end -->", Pattern.DOTALL)
        .matcher(readme);
    assertThat(block.find()).as("README has an api block").isTrue();
    String script = "set -euo pipefail\n" + block.group(1).replace("localhost:8080", "localhost:" + port);
    ProcessBuilder builder = new ProcessBuilder("timeout", "180", "bash", "-c", script)
        .directory(dir.toFile())
        .redirectErrorStream(true);
    // The README has the reader export the key dev printed; here the environment carries it.
    builder.environment().put("ATELIER_API_KEY", key);
    Process bash = builder.start();
    bash.getOutputStream().close();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor()).as("README api lines failed:\n%s", out).isZero();
    return out;
  }

  private static String httpGet(String url) throws Exception {
    return httpGet(url, null);
  }

  private static String httpGet(String url, String key) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    var response = java.net.http.HttpClient.newHttpClient().send(request.build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  private static Set<String> listing(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
