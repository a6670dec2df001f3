package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ops look at is what the mesh exports: the node's {@code /metrics} passes Prometheus's own linter, every
 * expression of the Grafana dashboard in {@code docker/} names metrics a running mesh exports and jobs Prometheus
 * scrapes, and the compose and Prometheus files are valid for their tools (Debian's {@code prometheus} and
 * {@code docker-compose}).
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class ObservabilityTest {

  static final Path DOCKER = Path.of("..", "docker").toAbsolutePath().normalize();
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
  private static final Pattern JOB_LABEL = Pattern.compile("job=~?\"([^\"]+)\"");
  private static final Pattern JOB_NAME = Pattern.compile("(?m)^\\s*- job_name:\\s*(\\S+)\\s*$");
  /** Series Prometheus makes itself for every target, not the target's. */
  private static final Set<String> SCRAPE_SERIES = Set.of("up");

  static TestMesh mesh;
  static String exposition;

  @BeforeAll
  static void aMeshThatHasRunAJob() throws Exception {
    mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    // A finished job, so that the run-time histogram has its series.
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(4).wav()));
    assertThat(api.awaitFinished(job, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");
    // A request over the bus (the nodes answer for themselves), so that the event bus's sent counter has a series.
    assertThat(await(api.get("/v1/admin/nodes").send()).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> metrics = await(mesh.client(null).unauthenticated("/metrics").send());
    assertThat(metrics.statusCode()).isEqualTo(200);
    exposition = metrics.bodyAsString();
  }

  @Test
  void theMetricsPassPromtoolsLinter(@TempDir Path dir) throws Exception {
    Path scraped = Files.writeString(dir.resolve("metrics.txt"), exposition);
    Ran checked = run(scraped, "promtool", "check", "metrics");
    assertThat(checked.exit()).as("promtool check metrics said:%n%s", checked.output()).isZero();
    assertThat(checked.output()).as("promtool's findings").isBlank();
  }

  @Test
  void everyDashboardExpressionNamesMetricsTheMeshExportsAndJobsPrometheusScrapes() throws Exception {
    Set<String> exported = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        exported.add(line.split("[{ ]", 2)[0]);
      }
    }
    Set<String> jobs = new TreeSet<>();
    Matcher job = JOB_NAME.matcher(Files.readString(DOCKER.resolve("prometheus.yml")));
    while (job.find()) {
      jobs.add(job.group(1));
    }
    assertThat(jobs).contains("atelier-edge", "atelier-workers");

    List<String> expressions = expressions(new JsonObject(Files.readString(
        DOCKER.resolve("grafana/dashboards/atelier.json"))));
    assertThat(expressions).as("the dashboard's expressions").hasSizeGreaterThan(10);
    Set<String> named = new TreeSet<>();
    for (String expression : expressions) {
      Matcher selector = SELECTOR.matcher(expression);
      List<String> metrics = new ArrayList<>();
      while (selector.find()) {
        metrics.add(selector.group(1));
        Matcher label = JOB_LABEL.matcher(selector.group(2));
        assertThat(label.find()).as("%s names the job it reads", expression).isTrue();
        assertThat(label.group(1).split("\\|")).as("the jobs of %s", expression).allMatch(jobs::contains);
      }
      assertThat(metrics).as("the metrics of %s (each with a selector)", expression).isNotEmpty();
      metrics.stream().filter(m -> !SCRAPE_SERIES.contains(m)).forEach(m ->
          assertThat(exported).as("%s, which %s reads", m, expression).contains(m));
      named.addAll(metrics);
    }
    // What the operations dashboard must show, by the metrics that show it.
    assertThat(named).contains("atelier_node_ready", "atelier_jobs_queued", "atelier_jobs_oldest_queued_seconds",
        "atelier_jobs_run_seconds_count", "atelier_collab_connections", "atelier_uploads_in_flight",
        "vertx_http_server_response_time_seconds_bucket");
  }

  @Test
  void theComposeFileAndPrometheusConfigurationAreValid(@TempDir Path dir) throws Exception {
    Ran compose = run(null, "docker-compose", "--project-directory", DOCKER.toString(), "-f",
        DOCKER.resolve("docker-compose.yml").toString(), "config", "-q");
    assertThat(compose.exit()).as("docker-compose config said:%n%s", compose.output()).isZero();
    Ran prometheus = run(null, "promtool", "check", "config", DOCKER.resolve("prometheus.yml").toString());
    assertThat(prometheus.exit()).as("promtool check config said:%n%s", prometheus.output()).isZero();
  }

  @Test
  void aNodeSaysWhetherItIsReady() {
    assertThat(exposition).containsPattern("(?m)^atelier_node_ready(\\{[^}]*})? 1\\.0$");
  }

  private static List<String> expressions(Object json) {
    List<String> found = new ArrayList<>();
    if (json instanceof JsonObject object) {
      if (object.getValue("expr") instanceof String expr) {
        found.add(expr);
      }
      object.forEach(entry -> found.addAll(expressions(entry.getValue())));
    } else if (json instanceof JsonArray array) {
      array.forEach(item -> found.addAll(expressions(item)));
    }
    return found;
  }

  record Ran(int exit, String output) {
  }

  private static Ran run(Path stdin, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
    return new Ran(process.exitValue(), output);
  }
}
