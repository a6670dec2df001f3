package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

  private static final Pattern KEY_LINE = Pattern.compile("^ATELIER_API_KEY=(atl_[A-Za-z0-9_-]+)$");

  @Test
  void devServesTheReadmeApiAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    Path jvmTmp = Files.createDirectories(dir.resolve("tmp"));
    Set<String> systemTmpBefore = listing(Path.of("/tmp"));
    int port = FreePorts.pick();
    Process dev = new ProcessBuilder("java", "-Djava.io.tmpdir=" + jvmTmp, "-jar", System.getProperty("atelier.jar"),
        "dev", "--data-dir", dir.resolve("data").toString(), "--port", Integer.toString(port))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          output.add(line);
        }
      } catch (IOException ignored) {
        // The process ended.
      }
    });
    reader.start();
    try {
      String key = awaitKey(output, dev);
      assertThat(output).anyMatch(l -> l.contains("http://127.0.0.1:" + port));
      // Redis and the S3 server are child processes; PostgreSQL's postmaster detaches (pg_ctl), so find it by its pid file.
      List<ProcessHandle> servers = new ArrayList<>(dev.descendants().toList());
      assertThat(servers).as("redis and the S3 server run as child processes").hasSizeGreaterThanOrEqualTo(2);
      long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("data/services/postgres/postmaster.pid")).get(0).trim());
      servers.add(ProcessHandle.of(postmaster).orElseThrow(() -> new AssertionError("postgres is not running")));

      String readmeOutput = runReadmeApiLines(key, port, dir);
      assertThat(readmeOutput).contains("\"state\":\"succeeded\"").contains("dashwood").contains(" --> ");

      dev.destroy();
      assertThat(dev.waitFor(90, TimeUnit.SECONDS)).as("dev stops within 90 s of SIGTERM").isTrue();
      reader.join(5_000);
      for (ProcessHandle server : servers) {
        server.onExit().get(10, TimeUnit.SECONDS);
        assertThat(server.isAlive()).as("child %s still running", server.info().command().orElse("?")).isFalse();
      }
      assertThat(listing(jvmTmp)).as("the JVM's temporary folder is left empty").isEmpty();
      Set<String> systemTmpAfter = listing(Path.of("/tmp"));
      systemTmpAfter.removeAll(systemTmpBefore);
      assertThat(systemTmpAfter).as("new entries in /tmp")
          .noneMatch(n -> n.startsWith("redis") || n.startsWith("embedded-pg") || n.startsWith(".s.PGSQL")
              || n.startsWith("vertx-cache") || n.startsWith("s3proxy") || n.startsWith("hazelcast"));
    } finally {
      if (dev.isAlive()) {
        dev.descendants().forEach(ProcessHandle::destroyForcibly);
        dev.destroyForcibly();
      }
      System.out.println(String.join("\n", output));
    }
  }

  private static String awaitKey(List<String> output, Process dev) throws InterruptedException {
    return awaitLine(output, dev, KEY_LINE).group(1);
  }

  private static Matcher awaitLine(List<String> output, Process process, Pattern pattern) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      synchronized (output) {
        for (String line : output) {
          Matcher m = pattern.matcher(line.trim());
          if (m.matches()) {
            return m;
          }
        }
      }
      assertThat(process.isAlive()).as("process exited early:\n%s", String.join("\n", output)).isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("no line matching " + pattern + ":\n" + String.join("\n", output));
  }

  /** Starts a process whose output lines are collected into {@code output}. */
  private static Process start(ProcessBuilder builder, List<String> output) throws IOException {
    Process process = builder.redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          output.add(line);
        }
      } catch (IOException ignored) {
        // The process ended.
      }
    });
    reader.setDaemon(true);
    reader.start();
    return process;
  }

  /**
   * A second JVM runs the {@code node} command with only the transcription verticle, configured from the file dev
   * wrote plus environment variables, and joins dev's cluster; dev runs only the edge. The README's lines still
   * work: the job crossed from one process to the other.
   */
  @Test
  void aNodeInAnotherJvmJoinsTheDevClusterAndRunsItsJobs(@TempDir Path dir) throws Exception {
    int port = FreePorts.pick();
    List<String> devOutput = Collections.synchronizedList(new ArrayList<>());
    List<String> nodeOutput = Collections.synchronizedList(new ArrayList<>());
    Process dev = start(new ProcessBuilder("java", "-jar", System.getProperty("atelier.jar"), "dev", "--data-dir",
        dir.resolve("data").toString(), "--port", Integer.toString(port), "--verticles", "edge").directory(dir.toFile()), devOutput);
    Process node = null;
    try {
      String key = awaitKey(devOutput, dev);
      ProcessBuilder nodeBuilder = new ProcessBuilder("java", "-jar", System.getProperty("atelier.jar"), "node",
          "--verticles", "transcription", "--config", dir.resolve("data/node.json").toString()).directory(dir.toFile());
      nodeBuilder.environment().put("ATELIER_CLUSTER_PORT", Integer.toString(FreePorts.pick()));
      nodeBuilder.environment().put("ATELIER_TRANSCRIPTION_WORK_DIRECTORY", dir.resolve("node-work").toString());
      node = start(nodeBuilder, nodeOutput);
      awaitLine(nodeOutput, node, Pattern.compile("^Atelier node running transcription.*"));
      awaitLine(devOutput, dev, Pattern.compile(".*Members \\{size:2, .*"));
      assertThat(devOutput).noneMatch(l -> l.contains("worker=transcription"));

      String readmeOutput = runReadmeApiLines(key, port, dir);
      assertThat(readmeOutput).contains("\"state\":\"succeeded\"").contains("dashwood");
      assertThat(nodeOutput).anyMatch(l -> l.contains("worker=transcription") && l.contains("succeeded"));
      assertThat(devOutput).noneMatch(l -> l.contains("worker=transcription"));

      node.destroy();
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node stops on SIGTERM").isTrue();
    } finally {
      for (Process p : new Process[] {node, dev}) {
        if (p != null && p.isAlive()) {
          p.destroy();
          if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        }
      }
      System.out.println("--- dev\n" + String.join("\n", devOutput) + "\n--- node\n" + String.join("\n", nodeOutput));
    }
  }

  /** Runs the README's API block, as written, against this instance. */
  private static String runReadmeApiLines(String key, int port, Path dir) throws Exception {
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

  private static Set<String> listing(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
