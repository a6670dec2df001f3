package io.atelier.launcher;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobState;
import io.atelier.contracts.JobKind;
import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.jobs.JobHandler;
import io.atelier.jobs.JobQueue;
import io.atelier.jobs.JobEngine;
import io.atelier.jobs.JobSweeper;
import io.atelier.jobs.JobWorker;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.atelier.jobs.WorkerConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Benchmarks, printed side by side with their peers, run in one go on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks against peer systems.",
    subcommands = {BenchCommand.Jobs.class, AsrBenchmark.class})
final class BenchCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "jobs", mixinStandardHelpOptions = true,
      description = {"No-op jobs through the whole engine (submit, PostgreSQL row, Redis stream, worker, every state "
          + "change committed), then the same through BullMQ on the same Redis: jobs/s and queue latency p50/p99; on "
          + "the servers as dev runs them and again on durable ones."})
  static final class Jobs implements Callable<Integer> {

    // Long enough (some ten seconds per engine here) that a noisy machine's hiccups average out.
    @Option(names = "--jobs", defaultValue = "100000", description = "Jobs per measured run (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--concurrency", defaultValue = "16", description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    // Both engines warm up alike; enough jobs that the JIT has compiled the hot path before the measured run. The
    // JVM's C2 compiler keeps compiling for some 25 s after start (a third of the JVM's CPU 15 s in), so 50,000 left
    // the first half of a short measured run still compiling.
    @Option(names = "--warmup", defaultValue = "100000", description = "Jobs run first and not measured, long enough for both runtimes' compilers to settle (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rate", defaultValue = "1000", description = "Jobs per second offered in the paced run, which "
        + "measures queue latency below both engines' capacity (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--paced-jobs", defaultValue = "10000", description = "Jobs in the paced run (default: ${DEFAULT-VALUE}).")
    int pacedJobs;

    @Option(names = "--bullmq", paramLabel = "SCRIPT", description = "The BullMQ peer script (bench/bullmq/bench.mjs); omit to run Atelier alone.")
    Path bullmqScript;

    @Option(names = "--durability", paramLabel = "off|on|both", defaultValue = "both",
        converter = Durabilities.Parser.class, description = "off: the servers as dev runs them "
        + "(PostgreSQL's fsync and synchronous_commit off, Redis's AOF fsynced every second); on: nothing acknowledged "
        + "may be lost (PostgreSQL's fsync and synchronous_commit on, Redis appendfsync always); both: off, then on, on "
        + "fresh servers, printed side by side (default: ${DEFAULT-VALUE}).")
    Durabilities durability;

    enum Durabilities {
      OFF(List.of(BenchServers.Mode.DEV_DEFAULTS)),
      ON(List.of(BenchServers.Mode.DURABLE)),
      BOTH(List.of(BenchServers.Mode.DEV_DEFAULTS, BenchServers.Mode.DURABLE));

      final List<BenchServers.Mode> modes;

      Durabilities(List<BenchServers.Mode> modes) {
        this.modes = modes;
      }

      /** {@code off}, {@code on} or {@code both}, as typed. */
      static final class Parser implements ITypeConverter<Durabilities> {
        @Override
        public Durabilities convert(String value) {
          try {
            return valueOf(value.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is none of off, on, both");
          }
        }
      }
    }

    record Result(String engine, int jobs, double seconds, double jobsPerSecond, double p50Ms, double p99Ms) {
    }

    /** An engine's two runs: as fast as it goes, and paced at {@code --rate}. */
    record Results(Result throughput, Result paced) {
    }

    /** Both engines on the servers of one mode; {@code bullmq} is null when the peer was not asked for. */
    record DurabilityRun(BenchServers.Mode mode, String reportedSettings, Results atelier, Results bullmq) {
      List<Results> engines() {
        return bullmq == null ? List.of(atelier) : List.of(atelier, bullmq);
      }
    }

    @Override
    public Integer call() throws Exception {
      // One log line per job is right for operating a mesh, but would measure the console, not the engine.
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.atelier.jobs"))
          .setLevel(ch.qos.logback.classic.Level.WARN);
      List<DurabilityRun> runs = new ArrayList<>();
      // Fresh servers for each mode: nothing the first run wrote (its WAL, its AOF, its dead rows) weighs on the next.
      for (BenchServers.Mode mode : durability.modes) {
        try (BenchServers servers = BenchServers.start(mode)) {
          PostgresConfig postgres = servers.postgres().withPoolSize(Math.max(8, concurrency + 4));
          Results atelier = runAtelier(postgres, servers.redisUri());
          Results bullmq = bullmqScript == null ? null : runBullmq(servers.redisUri());
          runs.add(new DurabilityRun(mode, servers.reported(), atelier, bullmq));
        }
      }
      print(runs);
      return 0;
    }

    private Results runAtelier(PostgresConfig postgres, String redisUri) {
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = DatabasePool.create(vertx, postgres);
        Redis redis = RedisConnections.create(vertx, new RedisConfig(redisUri, concurrency + 4));
        JobEngine engine = JobEngine.create(vertx, pool, redis);
        JobQueue queue = engine.queue();
        UUID project = UUID.randomUUID();
        UUID asset = UUID.randomUUID();
        Blocking.await(pool.preparedQuery("INSERT INTO projects (id, name) VALUES ($1, 'bench')").execute(Tuple.of(project))
            .compose(ignored -> pool.preparedQuery("""
                INSERT INTO assets (id, project_id, content_type, size_bytes, sha256, storage_key)
                VALUES ($1, $2, 'application/octet-stream', 0, repeat('0', 64), 'none')""").execute(Tuple.of(asset, project))),
            Duration.ofSeconds(30));
        AtomicInteger succeeded = new AtomicInteger();
        // The harness counts commits by their events; it reads the one field it needs (a full decode of three events
        // per job would be the harness's cost, not the engine's).
        vertx.eventBus().<JsonObject>localConsumer(BusAddresses.JOB_EVENTS, m -> {
          if (JobState.SUCCEEDED.wireName().equals(m.body().getString("state"))) {
            succeeded.incrementAndGet();
          }
        });
        // Queue latency as BullMQ counts it (processedOn - timestamp): from the submit call to the handler's start.
        Latencies latencies = new Latencies();
        WorkerConfig workerConfig = new WorkerConfig(concurrency, Duration.ofSeconds(30), Duration.ofSeconds(1));
        JobWorker worker = new JobWorker(vertx, engine, JobKind.NOOP, JobWorker.uniqueWorkerName("bench"), workerConfig,
            (job, control) -> {
              latencies.record(job.params().getString("run"), System.nanoTime() - job.params().getLong("submittedNanos"));
              return Future.succeededFuture(JobHandler.ResultWriter.NONE);
            });
        Blocking.await(worker.start(), Duration.ofSeconds(30));
        // As a worker verticle runs it: the sweeper's queries are part of what a worker costs.
        JobSweeper sweeper = new JobSweeper(vertx, engine.jobs(), queue, List.of(JobKind.NOOP), workerConfig.sweepInterval(),
            workerConfig.republishAfter());
        sweeper.start();

        measure(vertx, queue, project, asset, "warmup", warmup, 0, succeeded);
        double seconds = measure(vertx, queue, project, asset, "measured", jobs, 0, succeeded);
        double pacedSeconds = measure(vertx, queue, project, asset, "paced", pacedJobs, rate, succeeded);
        long committed = Blocking.await(pool.preparedQuery("""
                SELECT count(*) AS n FROM jobs
                WHERE kind = 'noop' AND state = 'succeeded' AND params ->> 'run' IN ('measured', 'paced')""").execute(),
            Duration.ofSeconds(60)).iterator().next().getLong("n");
        if (committed != jobs + pacedJobs) {
          throw new IllegalStateException("only " + committed + " of " + (jobs + pacedJobs) + " jobs are succeeded in PostgreSQL");
        }
        sweeper.stop();
        Blocking.await(worker.stop(Duration.ofSeconds(30)), Duration.ofSeconds(60));
        return new Results(
            new Result("atelier", jobs, seconds, jobs / seconds, latencies.percentile("measured", 0.5),
                latencies.percentile("measured", 0.99)),
            new Result("atelier", pacedJobs, pacedSeconds, pacedJobs / pacedSeconds, latencies.percentile("paced", 0.5),
                latencies.percentile("paced", 0.99)));
      } finally {
        Blocking.await(vertx.close(), Duration.ofSeconds(30));
      }
    }

    /** Queue latencies by run, in nanoseconds. */
    static final class Latencies {
      private final java.util.Map<String, java.util.List<Long>> byRun = new java.util.concurrent.ConcurrentHashMap<>();

      void record(String run, long nanos) {
        byRun.computeIfAbsent(run, r -> java.util.Collections.synchronizedList(new java.util.ArrayList<>())).add(nanos);
      }

      double percentile(String run, double p) {
        java.util.List<Long> sorted = new java.util.ArrayList<>(byRun.getOrDefault(run, List.of()));
        if (sorted.isEmpty()) {
          return Double.NaN;
        }
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size()))) / 1e6;
      }
    }

    /**
     * Submits {@code count} jobs, with {@code 4 x concurrency} submissions in flight, or at {@code perSecond} when it is
     * above zero; returns seconds until all succeeded.
     */
    private double measure(Vertx vertx, JobQueue queue, UUID project, UUID asset, String run, int count, int perSecond,
                           AtomicInteger succeeded) {
      succeeded.set(0);
      long started = System.nanoTime();
      Promise<Void> submitted = Promise.promise();
      AtomicInteger next = new AtomicInteger();
      if (perSecond > 0) {
        // Every 10 ms, the jobs due by then: an open-loop load that does not wait for the engine.
        vertx.runOnContext(v -> vertx.setPeriodic(10, timer -> {
          long due = Math.min(count, (System.nanoTime() - started) * perSecond / 1_000_000_000L);
          while (next.get() < due) {
            next.incrementAndGet();
            queue.submit(project, JobKind.NOOP, asset, params(run)).onFailure(submitted::tryFail);
          }
          if (next.get() >= count) {
            vertx.cancelTimer(timer);
            submitted.tryComplete();
          }
        }));
      } else {
        AtomicInteger submitters = new AtomicInteger(concurrency * 4);
        vertx.runOnContext(v -> {
          for (int i = 0; i < concurrency * 4; i++) {
            submitNext(queue, project, asset, run, count, next, submitters, submitted);
          }
        });
      }
      Blocking.await(submitted.future(), Duration.ofMinutes(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (succeeded.get() < count && System.nanoTime() < deadline) {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return (System.nanoTime() - started) / 1e9;
    }

    private static JsonObject params(String run) {
      return new JsonObject().put("run", run).put("submittedNanos", System.nanoTime());
    }

    private void submitNext(JobQueue queue, UUID project, UUID asset, String run, int count, AtomicInteger next,
                            AtomicInteger submitters, Promise<Void> submitted) {
      if (next.getAndIncrement() >= count) {
        if (submitters.decrementAndGet() == 0) {
          submitted.tryComplete();
        }
        return;
      }
      queue.submit(project, JobKind.NOOP, asset, params(run))
          .onFailure(submitted::tryFail)
          .onSuccess(job -> submitNext(queue, project, asset, run, count, next, submitters, submitted));
    }

    private Results runBullmq(String redisUri) throws IOException, InterruptedException {
      Process node = new ProcessBuilder("node", bullmqScript.toString(), redisUri, Integer.toString(jobs),
          Integer.toString(concurrency), Integer.toString(warmup), Integer.toString(rate), Integer.toString(pacedJobs))
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (node.waitFor() != 0) {
        throw new IllegalStateException("the BullMQ run failed: " + out);
      }
      JsonObject json = new JsonObject(out.substring(out.lastIndexOf('\n') + 1));
      String engine = "bullmq " + json.getString("version");
      return new Results(peerResult(engine, json.getJsonObject("throughput")), peerResult(engine, json.getJsonObject("paced")));
    }

    private static Result peerResult(String engine, JsonObject run) {
      return new Result(engine, run.getInteger("jobs"), run.getDouble("seconds"), run.getDouble("jobsPerSecond"),
          run.getDouble("p50Ms"), run.getDouble("p99Ms"));
    }

    private void print(List<DurabilityRun> runs) {
      System.out.printf(Locale.ROOT, "%nno-op jobs, concurrency %d, %d measured after %d warm-up, %d cores; the servers, "
          + "as they report themselves:%n", concurrency, jobs, warmup, Runtime.getRuntime().availableProcessors());
      for (DurabilityRun run : runs) {
        System.out.printf(Locale.ROOT, "  %s: %s%n", run.mode().label, run.reportedSettings());
      }
      System.out.printf(Locale.ROOT, "%nas fast as each engine goes%n");
      table(runs, Results::throughput, true);
      System.out.printf(Locale.ROOT, "%n%d jobs offered at %d jobs/s: queue latency, submit call to handler start%n",
          pacedJobs, rate);
      table(runs, Results::paced, false);
    }

    /**
     * A row per engine, a group of columns per mode, for {@code which} of an engine's runs; with {@code ratios}, the
     * engines' throughput ratio in each mode and, with two modes, each engine's durable throughput over its dev one.
     */
    private static void table(List<DurabilityRun> runs, Function<Results, Result> which, boolean ratios) {
      boolean modeRatio = ratios && runs.size() == 2;
      StringBuilder heading = new StringBuilder(String.format(Locale.ROOT, "%-16s", ""));
      StringBuilder columns = new StringBuilder(String.format(Locale.ROOT, "%-16s", "engine"));
      for (DurabilityRun r : runs) {
        heading.append(String.format(Locale.ROOT, "  %-27s", r.mode().label));
        columns.append(String.format(Locale.ROOT, "  %9s %8s %8s", "jobs/s", "p50 ms", "p99 ms"));
      }
      if (modeRatio) {
        // Two modes are --durability both: dev defaults, then durable.
        columns.append("  durable / dev");
      }
      System.out.println(heading.toString().stripTrailing());
      System.out.println(columns);
      for (int engine = 0; engine < runs.get(0).engines().size(); engine++) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-16s",
            which.apply(runs.get(0).engines().get(engine)).engine()));
        for (DurabilityRun r : runs) {
          Result result = which.apply(r.engines().get(engine));
          row.append(String.format(Locale.ROOT, "  %9.0f %8.1f %8.1f", result.jobsPerSecond(), result.p50Ms(),
              result.p99Ms()));
        }
        if (modeRatio) {
          row.append(String.format(Locale.ROOT, "  %.2f", which.apply(runs.get(1).engines().get(engine)).jobsPerSecond()
              / which.apply(runs.get(0).engines().get(engine)).jobsPerSecond()));
        }
        System.out.println(row);
      }
      if (ratios && runs.get(0).bullmq() != null) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-16s", "atelier / bullmq"));
        for (DurabilityRun r : runs) {
          row.append(String.format(Locale.ROOT, "  %9.2f %17s", which.apply(r.atelier()).jobsPerSecond()
              / which.apply(r.bullmq()).jobsPerSecond(), ""));
        }
        System.out.println(row.toString().stripTrailing());
      }
    }
  }
}
