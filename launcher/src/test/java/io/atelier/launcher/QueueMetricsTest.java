package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The edge's /metrics carries the queue gauges and the workers' run times, in Prometheus form, with the values the
 * queue has. The gauges are read from PostgreSQL every 5 s, so each expected value is awaited.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class QueueMetricsTest {

  private static final Duration REFRESH = Duration.ofSeconds(5);
  private static final Duration PATIENCE = REFRESH.multipliedBy(4);

  /** One line of the Prometheus text format: {@code name{label="value",...} value}. */
  record Sample(String name, Map<String, String> labels, double value) {
  }

  @Test
  void queuedNoopJobsAreCountedAndAgedUntilTheyAreCancelled() throws Exception {
    TestMesh mesh = TestMesh.get();
    // Project B and the noop kind, which no worker of the test mesh runs: the jobs stay queued, and nothing else
    // the tests do is counted with them.
    ApiClient api = mesh.client(mesh.projectB.apiKey());
    Map<String, String> noop = Map.of("kind", "noop");
    awaitValue(mesh, "atelier_jobs_queued", noop, v -> v == 0, "no noop job queued before the test");
    String asset = api.uploadAsset(SpeechSamples.librivox().get(4).wav());
    long submittedNanos = System.nanoTime();
    List<String> jobs = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        HttpResponse<Buffer> response = api.submit(new JsonObject().put("type", "noop").put("assetId", asset));
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
        jobs.add(response.bodyAsJsonObject().getString("id"));
      }

      awaitValue(mesh, "atelier_jobs_queued", noop, v -> v == 3, "three noop jobs queued");
      Map<String, Double> now = values(mesh, noop);
      assertThat(now.get("atelier_jobs_running")).isEqualTo(0.0);
      assertThat(now.get("atelier_jobs_retrying")).isEqualTo(0.0);
      double firstAge = now.get("atelier_jobs_oldest_queued_seconds");
      assertThat(firstAge).as("age of the oldest noop job").isGreaterThan(0)
          .isLessThanOrEqualTo(secondsSince(submittedNanos) + 1);

      // A refresh later the same job is older by about the refresh interval.
      double laterAge = awaitValue(mesh, "atelier_jobs_oldest_queued_seconds", noop, v -> v > firstAge,
          "the oldest noop job ageing");
      assertThat(laterAge - firstAge).as("ageing between two refreshes")
          .isBetween(REFRESH.toSeconds() - 1.0, secondsSince(submittedNanos));
      assertThat(laterAge).isLessThanOrEqualTo(secondsSince(submittedNanos) + 1);

      for (String job : jobs) {
        HttpResponse<Buffer> cancelled = await(api.post("/v1/jobs/" + job + "/cancel").send());
        assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(202);
      }
      jobs.clear();
      awaitValue(mesh, "atelier_jobs_queued", noop, v -> v == 0, "no noop job queued once they are cancelled");
      assertThat(values(mesh, noop).get("atelier_jobs_oldest_queued_seconds")).isEqualTo(0.0);
    } finally {
      for (String job : jobs) {
        await(api.post("/v1/jobs/" + job + "/cancel").send());
      }
    }
  }

  @Test
  void oneMoreTranscriptionIsExactlyOneMoreSucceededRun() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    Map<String, String> transcription = Map.of("kind", "transcription");
    // Runs other tests left behind would be counted too: start from an idle transcription queue.
    for (String gauge : List.of("atelier_jobs_queued", "atelier_jobs_running", "atelier_jobs_retrying")) {
      awaitValue(mesh, gauge, transcription, v -> v == 0, "no transcription job " + gauge);
    }
    Map<String, String> succeeded = Map.of("kind", "transcription", "outcome", "succeeded");
    Map<String, String> inf = Map.of("kind", "transcription", "outcome", "succeeded", "le", "+Inf");
    List<Sample> before = scrape(mesh);
    double countBefore = find(before, "atelier_jobs_run_seconds_count", succeeded).map(Sample::value).orElse(0.0);
    double sumBefore = find(before, "atelier_jobs_run_seconds_sum", succeeded).map(Sample::value).orElse(0.0);
    double infBefore = find(before, "atelier_jobs_run_seconds_bucket", inf).map(Sample::value).orElse(0.0);

    long startedNanos = System.nanoTime();
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(4).wav()));
    assertThat(api.awaitFinished(job, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");
    double wallSeconds = secondsSince(startedNanos);

    // The worker records the run as it ends the job, so the count may trail the job's state by a moment.
    awaitValue(mesh, "atelier_jobs_run_seconds_count", succeeded, v -> v >= countBefore + 1,
        "the transcription's run counted");
    List<Sample> after = scrape(mesh);
    assertThat(find(after, "atelier_jobs_run_seconds_count", succeeded).orElseThrow().value())
        .isEqualTo(countBefore + 1);
    assertThat(find(after, "atelier_jobs_run_seconds_bucket", inf).orElseThrow().value()).isEqualTo(infBefore + 1);
    double runSeconds = find(after, "atelier_jobs_run_seconds_sum", succeeded).orElseThrow().value() - sumBefore;
    assertThat(runSeconds).as("the run's time").isGreaterThan(0).isLessThanOrEqualTo(wallSeconds);
  }

  // ---- reading /metrics ----

  private static List<Sample> scrape(TestMesh mesh) {
    HttpResponse<Buffer> response = await(mesh.client(null).unauthenticated("/metrics").send());
    assertThat(response.statusCode()).isEqualTo(200);
    return parse(response.bodyAsString());
  }

  /** The sample of that name whose labels include these, if there is exactly one. */
  private static Optional<Sample> find(List<Sample> samples, String name, Map<String, String> labels) {
    List<Sample> matching = samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
    assertThat(matching).as("samples of %s%s", name, labels).hasSizeLessThanOrEqualTo(1);
    return matching.stream().findFirst();
  }

  /** The four queue gauges for these labels, by name. */
  private static Map<String, Double> values(TestMesh mesh, Map<String, String> labels) {
    List<Sample> samples = scrape(mesh);
    Map<String, Double> values = new LinkedHashMap<>();
    for (String gauge : List.of("atelier_jobs_queued", "atelier_jobs_running", "atelier_jobs_retrying",
        "atelier_jobs_oldest_queued_seconds")) {
      values.put(gauge, find(samples, gauge, labels).orElseThrow(() -> new AssertionError(gauge + labels
          + " is missing")).value());
    }
    return values;
  }

  /** Scrapes until the sample has a value that {@code expected} accepts, and returns it. */
  private static double awaitValue(TestMesh mesh, String name, Map<String, String> labels, DoublePredicate expected,
                                   String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    Optional<Sample> last;
    do {
      last = find(scrape(mesh), name, labels);
      if (last.isPresent() && expected.test(last.get().value())) {
        return last.get().value();
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(what + ": " + name + labels + " is " + last.map(s -> Double.toString(s.value()))
        .orElse("missing") + " after " + PATIENCE.toSeconds() + " s");
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / (double) TimeUnit.SECONDS.toNanos(1);
  }

  /** Parses the Prometheus text exposition format (0.0.4): comments skipped, label values unescaped. */
  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int i = 0;
      while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
        i++;
      }
      String name = line.substring(0, i);
      Map<String, String> labels = new LinkedHashMap<>();
      if (i < line.length() && line.charAt(i) == '{') {
        i++;
        while (line.charAt(i) != '}') {
          int equals = line.indexOf('=', i);
          String label = line.substring(i, equals).strip();
          if (line.charAt(equals + 1) != '"') {
            throw new IllegalArgumentException("label " + label + " has no quoted value: " + line);
          }
          StringBuilder value = new StringBuilder();
          int j = equals + 2;
          for (char c = line.charAt(j); c != '"'; c = line.charAt(++j)) {
            if (c == '\\') {
              char escaped = line.charAt(++j);
              value.append(escaped == 'n' ? '\n' : escaped);
            } else {
              value.append(c);
            }
          }
          labels.put(label, value.toString());
          i = j + 1;
          if (line.charAt(i) == ',') {
            i++;
          }
        }
        i++;
      }
      String[] rest = line.substring(i).strip().split("\\s+");
      samples.add(new Sample(name, Map.copyOf(labels), number(rest[0])));
    }
    return samples;
  }

  private static double number(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }
}
