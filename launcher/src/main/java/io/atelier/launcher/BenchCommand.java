package io.atelier.launcher;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobState;
import io.atelier.contracts.JobKind;
import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.FreePorts;
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
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
          + "change committed), then the same through BullMQ on the same Redis: jobs/s and queue latency p50/p99."})
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

    record Result(String engine, int jobs, double seconds, double jobsPerSecond, double p50Ms, double p99Ms) {
    }

    /** An engine's two runs: as fast as it goes, and paced at {@code --rate}. */
    record Results(Result throughput, Result paced) {
    }

    @Override
    public Integer call() throws Exception {
      // One log line per job is right for operating a mesh, but would measure the console, not the engine.
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.atelier.jobs"))
          .setLevel(ch.qos.logback.classic.Level.WARN);
      // Stopped mid-run too (Ctrl-C, SIGTERM), the embedded servers stop and their folder (some 300 MB) goes with them.
      EmbeddedServices services = EmbeddedServices.startTemporary("atelier-bench-");
      try {
        JsonObject config = EmbeddedMeshConfig.build(services, services.folder(), 0, "bench", FreePorts.pick(), List.of());
        PostgresConfig postgres = PostgresConfig.from(config);
        Migrations.apply(postgres);
        Results atelier = runAtelier(new PostgresConfig(postgres.host(), postgres.port(), postgres.database(),
            postgres.user(), postgres.password(), Math.max(8, concurrency + 4)), services.redisUri());
        Results bullmq = bullmqScript == null ? null : runBullmq(services.redisUri());
        print(atelier, bullmq);
        return 0;
      } finally {
        services.close();
      }
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

    private void print(Results atelier, Results bullmq) {
      int cores = Runtime.getRuntime().availableProcessors();
      System.out.printf(Locale.ROOT, "%nno-op jobs, concurrency %d, %d measured after %d warm-up, %d cores: as fast as "
          + "each engine goes%n", concurrency, jobs, warmup, cores);
      table(atelier.throughput(), bullmq == null ? null : bullmq.throughput());
      if (bullmq != null) {
        System.out.printf(Locale.ROOT, "atelier / bullmq throughput: %.2f%n",
            atelier.throughput().jobsPerSecond() / bullmq.throughput().jobsPerSecond());
      }
      System.out.printf(Locale.ROOT, "%n%d jobs offered at %d jobs/s: queue latency, submit call to handler start%n",
          pacedJobs, rate);
      table(atelier.paced(), bullmq == null ? null : bullmq.paced());
    }

    private static void table(Result atelier, Result bullmq) {
      System.out.printf(Locale.ROOT, "%-14s %8s %9s %10s %9s %9s%n", "engine", "jobs", "seconds", "jobs/s", "p50 ms", "p99 ms");
      for (Result r : bullmq == null ? List.of(atelier) : List.of(atelier, bullmq)) {
        System.out.printf(Locale.ROOT, "%-14s %8d %9.2f %10.0f %9.1f %9.1f%n", r.engine(), r.jobs(), r.seconds(),
            r.jobsPerSecond(), r.p50Ms(), r.p99Ms());
      }
    }
  }
}
