package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code atelier bench jobs} as a user runs it: on fresh servers per durability, labelled with what the servers report;
 * stopped halfway, nothing of it may outlive it.
 */
class BenchCommandIT {

  private static final Pattern SERVICES_UP = Pattern.compile(".*embedded services up in \\d+ ms under (\\S+)$");

  @Test
  void eachDurabilityRunsOnFreshServersAndIsLabelledWithWhatTheServersReport(@TempDir Path dir) throws Exception {
    try (LauncherProcess bench = LauncherProcess.start("bench", dir, Map.of(), List.of("-Djava.io.tmpdir=" + dir),
        "bench", "jobs", "--warmup", "20", "--jobs", "200", "--paced-jobs", "20", "--rate", "100")) {
      try {
        assertThat(bench.process.waitFor(180, TimeUnit.SECONDS)).as("tiny runs end within 3 minutes").isTrue();
        assertThat(bench.process.exitValue()).isZero();
        assertThat(bench.printed("  fsync off (dev defaults): PostgreSQL fsync=off, synchronous_commit=off, "
            + "full_page_writes=on; Redis appendonly=yes, appendfsync=everysec")).isTrue();
        assertThat(bench.printed("  durable: PostgreSQL fsync=on, synchronous_commit=on, full_page_writes=on; "
            + "Redis appendonly=yes, appendfsync=always")).isTrue();
        assertThat(bench.linesAfter("as fast as each engine goes")).first().asString()
            .contains("fsync off (dev defaults)").contains("durable");
        List<String> folders;
        synchronized (bench.output) {
          folders = bench.output.stream().map(SERVICES_UP::matcher).filter(Matcher::matches).map(m -> m.group(1)).toList();
        }
        assertThat(folders).as("one set of servers per durability, each in its own folder").hasSize(2)
            .doesNotHaveDuplicates();
      } finally {
        System.out.println(bench.transcript());
      }
    }
  }

  @Test
  void aBenchStoppedMidRunLeavesNoServerAndNothingInTheTemporaryFolder(@TempDir Path dir) throws Exception {
    Path jvmTmp = Files.createDirectories(dir.resolve("tmp"));
    try (LauncherProcess bench = LauncherProcess.start("bench", dir, Map.of(), List.of("-Djava.io.tmpdir=" + jvmTmp),
        "bench", "jobs", "--warmup", "0", "--jobs", "10000000", "--paced-jobs", "10")) {
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!bench.printed("embedded services up") && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(bench.printed("embedded services up")).as("the bench started its servers").isTrue();
        Path folder;
        try (Stream<Path> entries = Files.list(jvmTmp)) {
          folder = entries.filter(p -> p.getFileName().toString().startsWith("atelier-bench-")).findFirst().orElseThrow();
        }
        // Redis and the S3 server are child processes; PostgreSQL's postmaster detaches (pg_ctl): find it by its pid file.
        List<ProcessHandle> servers = new ArrayList<>(bench.process.descendants().toList());
        assertThat(servers).as("redis and the S3 server run as child processes").hasSizeGreaterThanOrEqualTo(2);
        long postmaster = Long.parseLong(Files.readAllLines(folder.resolve("postgres/postmaster.pid")).get(0).trim());
        servers.add(ProcessHandle.of(postmaster).orElseThrow(() -> new AssertionError("postgres is not running")));
        // Mid-run: jobs are flowing through the engine when the signal comes.
        Thread.sleep(3_000);
        assertThat(bench.process.isAlive()).as("the measured run takes far longer than this").isTrue();

        bench.sigterm();
        assertThat(bench.process.waitFor(60, TimeUnit.SECONDS)).as("bench stops within 60 s of SIGTERM").isTrue();
        for (ProcessHandle server : servers) {
          server.onExit().get(10, TimeUnit.SECONDS);
          assertThat(server.isAlive()).as("child %s still running", server.info().command().orElse("?")).isFalse();
        }
        try (Stream<Path> left = Files.list(jvmTmp)) {
          assertThat(left.map(Path::toString).toList()).as("the JVM's temporary folder is left empty").isEmpty();
        }
      } finally {
        System.out.println(bench.transcript());
      }
    }
  }
}
