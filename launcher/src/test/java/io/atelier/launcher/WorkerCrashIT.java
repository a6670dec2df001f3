package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transcription worker in its own JVM is killed without warning (SIGKILL) in the middle of a job. Another node
 * finishes the job once the dead worker's lease expires; the job keeps one result and both attempts in its history.
 */
class WorkerCrashIT {

  @Test
  void aJobWhoseWorkerIsKilledMidwayIsFinishedByAnotherNodeWithOneResult(@TempDir Path dir) throws Exception {
    Path recording = SpeechSamples.longRecording(dir);
    int port = FreePorts.pick();
    List<LauncherProcess> processes = new ArrayList<>();
    try (LauncherProcess dev = LauncherProcess.start("dev", dir, Map.of(), "dev", "--data-dir",
        dir.resolve("data").toString(), "--port", Integer.toString(port), "--verticles", "edge")) {
      processes.add(dev);
      String key = dev.awaitApiKey();
      String api = "http://127.0.0.1:" + port;
      LauncherProcess doomed = startWorker("worker-a", dir, processes);

      String asset = new JsonObject(curl(key, "-F", "file=@" + recording, api + "/v1/assets")).getString("id");
      String job = new JsonObject(curl(key, "-H", "Content-Type: application/json", "-d",
          new JsonObject().put("type", "transcription").put("assetId", asset).encode(), api + "/v1/jobs")).getString("id");
      awaitState(key, api, job, "running", 120);
      Thread.sleep(1_000);
      doomed.process.destroyForcibly();
      assertThat(doomed.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

      LauncherProcess rescuer = startWorker("worker-b", dir, processes);
      JsonObject finished = awaitState(key, api, job, "succeeded|failed", 300);
      assertThat(finished.getString("state")).as(finished.encode()).isEqualTo("succeeded");
      assertThat(finished.getInteger("attempts")).isEqualTo(2);
      JsonArray history = finished.getJsonArray("history");
      assertThat(history).hasSize(2);
      assertThat(history.getJsonObject(0).getString("outcome")).isEqualTo("abandoned");
      assertThat(history.getJsonObject(1).getString("outcome")).isEqualTo("succeeded");
      assertThat(history.getJsonObject(0).getString("worker")).isNotEqualTo(history.getJsonObject(1).getString("worker"));
      assertThat(rescuer.printed("job=" + job)).isTrue();
      assertThat(curl(key, api + "/v1/transcripts/" + job)).contains("dashwood");
      assertThat(transcriptRows(dir, job)).isEqualTo(1);
    } finally {
      for (LauncherProcess p : processes) {
        p.close();
        System.out.println(p.transcript());
      }
    }
  }

  private static LauncherProcess startWorker(String name, Path dir, List<LauncherProcess> processes) throws Exception {
    LauncherProcess worker = LauncherProcess.start(name, dir, Map.of(
            "ATELIER_CLUSTER_PORT", Integer.toString(FreePorts.pick()),
            "ATELIER_TRANSCRIPTION_WORK_DIRECTORY", dir.resolve(name).toString(),
            "ATELIER_TRANSCRIPTION_CONCURRENCY", "1",
            "ATELIER_TRANSCRIPTION_LEASE_SECONDS", "3"),
        // A JVM killed with SIGKILL cannot clean its temporary files: keep them in the test's folder.
        List.of("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve(name + "-tmp"))),
        "node", "--verticles", "transcription", "--config", dir.resolve("data/node.json").toString());
    processes.add(worker);
    worker.awaitLine(Pattern.compile("^Atelier node \\S+ running transcription.*"), 120);
    return worker;
  }

  private static JsonObject awaitState(String key, String api, String job, String states, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = new JsonObject(curl(key, api + "/v1/jobs/" + job));
      if (last.getString("state").matches(states)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job never reached " + states + ": " + last);
  }

  /** Runs curl with the key, as a person would; fails unless it succeeds; returns what it printed. */
  static String curl(String key, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-f", "-H", "Authorization: Bearer " + key));
    command.addAll(List.of(args));
    Process curl = new ProcessBuilder(command).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(curl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as("%s: %s%s", command, out, err).isZero();
    return out;
  }

  private static long transcriptRows(Path dir, String job) throws Exception {
    JsonObject config = new JsonObject(Files.readString(dir.resolve("data/node.json")));
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = DatabasePool.create(vertx, PostgresConfig.from(config));
      return pool.preparedQuery("SELECT count(*) AS n FROM transcripts WHERE job_id = $1")
          .execute(Tuple.of(UUID.fromString(job))).await(30, TimeUnit.SECONDS).iterator().next().getLong("n");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
