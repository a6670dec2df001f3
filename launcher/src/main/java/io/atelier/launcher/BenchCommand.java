package io.atelier.launcher;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobKind;
import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.FreePorts;
import io.atelier.jobs.JobHandler;
import io.atelier.jobs.JobQueue;
import io.atelier.jobs.JobRepository;
import io.atelier.jobs.JobWorker;
import io.atelier.jobs.RedisConfig;
import io.atelier.jobs.RedisConnections;
import io.atelier.jobs.WorkerConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks, printed side by side with their peers, run in one go on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks against peer systems.",
    subcommands = {BenchCommand.Jobs.class})
final class BenchCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "jobs", mixinStandardHelpOptions = true,
      description = {"No-op jobs through the whole engine (submit, PostgreSQL row, Redis stream, worker, every state "
          + "change committed), then the same through BullMQ on the same Redis: jobs/s and queue latency p50/p99."})
  static final class Jobs implements Callable<Integer> {

    @Option(names = "--jobs", defaultValue = "20000", description = "Jobs per measured run (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--concurrency", defaultValue = "16", description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    // Both engines warm up alike; enough jobs that the JIT has compiled the hot path before the measured run.
    @Option(names = "--warmup", defaultValue = "10000", description = "Jobs run first and not measured (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--bullmq", paramLabel = "SCRIPT", description = "The BullMQ peer script (bench/bullmq/bench.mjs); omit to run Atelier alone.")
    Path bullmqScript;

    record Result(String engine, int jobs, double seconds, double jobsPerSecond, double p50Ms, double p99Ms) {
    }

    @Override
    public Integer call() throws Exception {
      // One log line per job is right for operating a mesh, but would measure the console, not the engine.
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.atelier.jobs"))
          .setLevel(ch.qos.logback.classic.Level.WARN);
      Path folder = Files.createTempDirectory("atelier-bench-");
      EmbeddedServices services = EmbeddedServices.start(folder);
      try {
        JsonObject config = EmbeddedMeshConfig.build(services, folder, 0, "bench", FreePorts.pick(), List.of());
        PostgresConfig postgres = PostgresConfig.from(config);
        Migrations.apply(postgres);
        Result atelier = runAtelier(new PostgresConfig(postgres.host(), postgres.port(), postgres.database(),
            postgres.user(), postgres.password(), Math.max(8, concurrency + 4)), services.redisUri());
        Result bullmq = bullmqScript == null ? null : runBullmq(services.redisUri());
        print(atelier, bullmq);
        return 0;
      } finally {
        services.close();
        try (Stream<Path> paths = Files.walk(folder)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }

    private Result runAtelier(PostgresConfig postgres, String redisUri) {
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = DatabasePool.create(vertx, postgres);
        Redis redis = RedisConnections.create(vertx, new RedisConfig(redisUri, concurrency + 4));
        JobRepository jobRepository = new JobRepository(pool);
        JobQueue queue = new JobQueue(jobRepository, redis);
        UUID project = UUID.randomUUID();
        UUID asset = UUID.randomUUID();
        Blocking.await(pool.preparedQuery("INSERT INTO projects (id, name) VALUES ($1, 'bench')").execute(Tuple.of(project))
            .compose(ignored -> pool.preparedQuery("""
                INSERT INTO assets (id, project_id, content_type, size_bytes, sha256, storage_key)
                VALUES ($1, $2, 'application/octet-stream', 0, repeat('0', 64), 'none')""").execute(Tuple.of(asset, project))),
            Duration.ofSeconds(30));
        AtomicInteger succeeded = new AtomicInteger();
        vertx.eventBus().<JsonObject>localConsumer(BusAddresses.JOB_EVENTS, m -> {
          if ("succeeded".equals(m.body().getString("state"))) {
            succeeded.incrementAndGet();
          }
        });
        JobWorker worker = new JobWorker(vertx, redis, jobRepository, JobKind.NOOP, JobWorker.uniqueWorkerName("bench"),
            new WorkerConfig(concurrency, Duration.ofSeconds(30), Duration.ofSeconds(1)),
            (job, control) -> Future.succeededFuture(JobHandler.ResultWriter.NONE));
        Blocking.await(worker.start(), Duration.ofSeconds(30));

        measure(vertx, queue, project, asset, "warmup", warmup, succeeded);
        double seconds = measure(vertx, queue, project, asset, "measured", jobs, succeeded);
        Row latency = Blocking.await(pool.preparedQuery("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) * 1000 AS p50,
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) * 1000 AS p99,
                       count(*) FILTER (WHERE state = 'succeeded') AS succeeded
                FROM jobs WHERE kind = 'noop' AND params ->> 'run' = 'measured'""").execute(),
            Duration.ofSeconds(60)).iterator().next();
        if (latency.getLong("succeeded") != jobs) {
          throw new IllegalStateException("only " + latency.getLong("succeeded") + " of " + jobs + " jobs are succeeded in PostgreSQL");
        }
        Blocking.await(worker.stop(), Duration.ofSeconds(30));
        return new Result("atelier", jobs, seconds, jobs / seconds, latency.getDouble("p50"), latency.getDouble("p99"));
      } finally {
        Blocking.await(vertx.close(), Duration.ofSeconds(30));
      }
    }

    /** Submits {@code count} jobs with {@code 4 x concurrency} submissions in flight; returns seconds until all succeeded. */
    private double measure(Vertx vertx, JobQueue queue, UUID project, UUID asset, String run, int count,
                           AtomicInteger succeeded) {
      succeeded.set(0);
      JsonObject params = new JsonObject().put("run", run);
      long started = System.nanoTime();
      Promise<Void> submitted = Promise.promise();
      AtomicInteger next = new AtomicInteger();
      AtomicInteger submitters = new AtomicInteger(concurrency * 4);
      vertx.runOnContext(v -> {
        for (int i = 0; i < concurrency * 4; i++) {
          submitNext(queue, project, asset, params, count, next, submitters, submitted);
        }
      });
      Blocking.await(submitted.future(), Duration.ofMinutes(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (succeeded.get() < count && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return (System.nanoTime() - started) / 1e9;
    }

    private void submitNext(JobQueue queue, UUID project, UUID asset, JsonObject params, int count, AtomicInteger next,
                            AtomicInteger submitters, Promise<Void> submitted) {
      if (next.getAndIncrement() >= count) {
        if (submitters.decrementAndGet() == 0) {
          submitted.tryComplete();
        }
        return;
      }
      queue.submit(project, JobKind.NOOP, asset, params)
          .onFailure(submitted::tryFail)
          .onSuccess(job -> submitNext(queue, project, asset, params, count, next, submitters, submitted));
    }

    private Result runBullmq(String redisUri) throws IOException, InterruptedException {
      Process node = new ProcessBuilder("node", bullmqScript.toString(), redisUri, Integer.toString(jobs),
          Integer.toString(concurrency), Integer.toString(warmup))
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (node.waitFor() != 0) {
        throw new IllegalStateException("the BullMQ run failed: " + out);
      }
      JsonObject json = new JsonObject(out.substring(out.lastIndexOf('\n') + 1));
      return new Result("bullmq " + json.getString("version"), json.getInteger("jobs"), json.getDouble("seconds"),
          json.getDouble("jobsPerSecond"), json.getDouble("p50Ms"), json.getDouble("p99Ms"));
    }

    private void print(Result atelier, Result bullmq) {
      System.out.printf(Locale.ROOT, "%nno-op jobs, concurrency %d, %d measured after %d warm-up, %d cores%n",
          concurrency, jobs, warmup, Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "%-14s %8s %9s %10s %9s %9s%n", "engine", "jobs", "seconds", "jobs/s", "p50 ms", "p99 ms");
      for (Result r : bullmq == null ? List.of(atelier) : List.of(atelier, bullmq)) {
        System.out.printf(Locale.ROOT, "%-14s %8d %9.2f %10.0f %9.1f %9.1f%n", r.engine(), r.jobs(), r.seconds(),
            r.jobsPerSecond(), r.p50Ms(), r.p99Ms());
      }
      if (bullmq != null) {
        System.out.printf(Locale.ROOT, "atelier / bullmq throughput: %.2f%n", atelier.jobsPerSecond() / bullmq.jobsPerSecond());
      }
    }
  }
}
