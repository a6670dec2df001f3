package io.atelier.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.contracts.QueuedJob;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker against real PostgreSQL and Redis: deliveries, leases, failures. */
@ExtendWith(VertxExtension.class)
class JobWorkerTest {

  static final JobKind KIND = JobKind.TRANSCRIPTION;

  static Vertx vertx;
  static Pool pool;
  static Redis redis;
  static JobRepository jobs;
  static JobQueue queue;
  static UUID project;
  static UUID asset;

  static JobEngine engine;

  final List<JobWorker> workers = new ArrayList<>();
  final List<JobSweeper> sweepers = new ArrayList<>();

  static JobTestServices fixture;

  @BeforeAll
  static void startServices() {
    fixture = JobTestServices.start("jobs", 4);
    vertx = fixture.vertx();
    pool = fixture.pool();
    redis = fixture.redis();
    engine = fixture.engine();
    jobs = engine.jobs();
    queue = engine.queue();
    project = fixture.project();
    asset = fixture.asset();
  }

  @AfterAll
  static void stopServices() {
    fixture.close();
  }

  @BeforeEach
  void emptyTheQueue() {
    await(redis.send(Request.cmd(Command.DEL).arg(KIND.streamKey())));
    // Jobs a test left unfinished must not be swept into the next test.
    await(pool.query("UPDATE jobs SET state = 'cancelled', finished_at = now() WHERE finished_at IS NULL").execute());
  }

  @AfterEach
  void stopWorkers() {
    sweepers.forEach(JobSweeper::stop);
    workers.forEach(w -> await(w.stop(Duration.ofSeconds(10))));
  }

  @Test
  void aQueuedJobRunsOnceAndSucceeds() {
    AtomicInteger runs = new AtomicInteger();
    start(Duration.ofSeconds(5), (job, control) -> {
      runs.incrementAndGet();
      return Future.succeededFuture(tx -> Future.succeededFuture());
    });
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    assertThat(awaitState(job.id(), JobState.SUCCEEDED).attempts()).isEqualTo(1);
    assertThat(runs).hasValue(1);
    assertThat(attempts(job.id())).containsExactly("1:succeeded");
    awaitNoPendingEntries();
  }

  @Test
  void deletingAnAssetDeletesItsJobsWithTheirEventsAndAttempts() {
    start(Duration.ofSeconds(5), (job, control) -> Future.succeededFuture(JobHandler.ResultWriter.NONE));
    UUID doomed = UUID.randomUUID();
    await(pool.preparedQuery("""
        INSERT INTO assets (id, project_id, content_type, size_bytes, sha256, storage_key)
        VALUES ($1, $2, 'audio/wav', 1, repeat('b', 64), 'k2')""").execute(Tuple.of(doomed, project)));
    Job job = await(queue.submit(project, KIND, doomed, new JsonObject()));
    awaitState(job.id(), JobState.SUCCEEDED);
    assertThat(count("SELECT count(*) FROM job_events WHERE job_id = $1", job.id())).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM job_attempts WHERE job_id = $1", job.id())).isEqualTo(1);

    await(pool.preparedQuery("DELETE FROM assets WHERE id = $1").execute(Tuple.of(doomed)));

    assertThat(count("SELECT count(*) FROM jobs WHERE id = $1", job.id())).isZero();
    assertThat(count("SELECT count(*) FROM job_events WHERE job_id = $1", job.id())).isZero();
    assertThat(count("SELECT count(*) FROM job_attempts WHERE job_id = $1", job.id())).isZero();
  }

  private static long count(String sql, UUID id) {
    return await(pool.preparedQuery(sql).execute(Tuple.of(id))).iterator().next().getLong(0);
  }

  @Test
  void manyJobsSubmittedTogetherEachRunExactlyOnceAcrossTwoWorkers() {
    java.util.Map<UUID, AtomicInteger> runs = new java.util.concurrent.ConcurrentHashMap<>();
    JobHandler counting = (job, control) -> {
      runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
      return Future.succeededFuture(JobHandler.ResultWriter.NONE);
    };
    WorkerConfig eight = new WorkerConfig(8, Duration.ofSeconds(5), Duration.ofMillis(200), FAST_RETRY,
        Duration.ofMillis(200), Duration.ofSeconds(60));
    start(Duration.ofSeconds(5), counting, eight);
    start(Duration.ofSeconds(5), counting, eight);
    // Submitted all at once, so submissions and finishes are committed in batches.
    List<Job> submitted = await(Future.all(java.util.stream.IntStream.range(0, 400)
        .mapToObj(i -> queue.submit(project, KIND, asset, new JsonObject().put("n", i))).toList()))
        .list();
    assertThat(submitted).extracting(Job::id).doesNotHaveDuplicates().hasSize(400);
    for (int i = 0; i < submitted.size(); i++) {
      assertThat(submitted.get(i).params().getInteger("n")).as("each caller gets its own job back").isEqualTo(i);
    }
    submitted.forEach(job -> assertThat(awaitState(job.id(), JobState.SUCCEEDED).attempts()).isEqualTo(1));
    assertThat(runs).hasSize(400).allSatisfy((id, count) -> assertThat(count).hasValue(1));
    long events = await(pool.preparedQuery("""
        SELECT count(*) FROM job_events WHERE job_id = ANY($1::uuid[]) AND type = 'state'""")
        .execute(Tuple.of((Object) submitted.stream().map(Job::id).toArray(UUID[]::new)))).iterator().next().getLong(0);
    assertThat(events).as("queued, running and succeeded for each").isEqualTo(1200);
    awaitNoPendingEntries();
  }

  @Test
  void aDuplicateDeliveryOfAFinishedJobIsAcknowledgedWithoutRunningAgain() {
    AtomicInteger runs = new AtomicInteger();
    start(Duration.ofSeconds(5), (job, control) -> {
      runs.incrementAndGet();
      return Future.succeededFuture(tx -> Future.succeededFuture());
    });
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    awaitState(job.id(), JobState.SUCCEEDED);
    await(queue.publish(new QueuedJob(job.id(), project, KIND)));
    awaitNoPendingEntries();
    assertThat(streamLength()).isEqualTo(2);
    assertThat(runs).hasValue(1);
    assertThat(await(jobs.find(project, job.id())).orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void aMalformedEntryIsDroppedAndTheWorkerCarriesOn() {
    start(Duration.ofSeconds(5), (job, control) -> Future.succeededFuture(tx -> Future.succeededFuture()));
    await(redis.send(Request.cmd(Command.XADD).arg(KIND.streamKey()).arg("*").arg("job").arg("not-a-uuid")));
    await(redis.send(Request.cmd(Command.XADD).arg(KIND.streamKey()).arg("*").arg("unexpected").arg("fields")));
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    awaitState(job.id(), JobState.SUCCEEDED);
    awaitNoPendingEntries();
  }

  @Test
  void aJobWhoseWorkerDiedIsTakenOverAfterItsLeaseAndKeepsItsHistory() {
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    // A worker reads the entry, starts the job, and dies: no acknowledgement, no lease renewal.
    await(redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(KIND.streamKey()).arg(KIND.consumerGroup()).arg("0"))
        .recover(e -> Future.succeededFuture()));
    await(redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(KIND.consumerGroup()).arg("dead-worker")
        .arg("COUNT").arg(1).arg("STREAMS").arg(KIND.streamKey()).arg(">")));
    await(jobs.startAttempt(job.id(), "dead-worker", Duration.ofSeconds(1)));

    AtomicInteger runs = new AtomicInteger();
    start(Duration.ofSeconds(1), (j, control) -> {
      runs.incrementAndGet();
      return Future.succeededFuture(tx -> Future.succeededFuture());
    });
    Job finished = awaitState(job.id(), JobState.SUCCEEDED);
    assertThat(finished.attempts()).isEqualTo(2);
    assertThat(runs).hasValue(1);
    assertThat(attempts(job.id())).containsExactly("1:abandoned", "2:succeeded");
    awaitNoPendingEntries();
  }

  @Test
  void aJobWhoseWorkerDiedWhileRedisLostItsEntryIsRecoveredByTheSweeper() {
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    await(jobs.startAttempt(job.id(), "dead-worker", Duration.ofSeconds(1)));
    await(redis.send(Request.cmd(Command.FLUSHALL)));

    start(Duration.ofSeconds(1), (j, control) -> Future.succeededFuture(tx -> Future.succeededFuture()));
    assertThat(awaitState(job.id(), JobState.SUCCEEDED).attempts()).isEqualTo(2);
    assertThat(attempts(job.id())).containsExactly("1:abandoned", "2:succeeded");
  }

  @Test
  void everyQueuedJobStillCompletesAfterRedisIsFlushed() {
    List<Job> submitted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      submitted.add(await(queue.submit(project, KIND, asset, new JsonObject())));
    }
    await(redis.send(Request.cmd(Command.FLUSHALL)));
    AtomicInteger runs = new AtomicInteger();
    start(Duration.ofSeconds(5), (j, control) -> {
      runs.incrementAndGet();
      return Future.succeededFuture(tx -> Future.succeededFuture());
    }, new WorkerConfig(1, Duration.ofSeconds(5), Duration.ofMillis(200), FAST_RETRY, Duration.ofMillis(200),
        Duration.ofSeconds(1)));
    submitted.forEach(job -> assertThat(awaitState(job.id(), JobState.SUCCEEDED).attempts()).isEqualTo(1));
    assertThat(runs).hasValue(5);
  }

  @Test
  void aWorkerRecreatesItsConsumerGroupWhenRedisLosesItWhileRunning() {
    start(Duration.ofSeconds(5), (j, control) -> Future.succeededFuture(tx -> Future.succeededFuture()));
    await(redis.send(Request.cmd(Command.FLUSHALL)));
    sleep(500);
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    assertThat(awaitState(job.id(), JobState.SUCCEEDED).attempts()).isEqualTo(1);
  }

  @Test
  void aRetryableFailureRunsAgainAfterABackoffUntilItSucceeds() {
    AtomicInteger runs = new AtomicInteger();
    start(Duration.ofSeconds(5), (job, control) -> runs.incrementAndGet() < 3
        ? Future.failedFuture(new JobFailedException(ErrorCode.UNAVAILABLE, "storage is down"))
        : Future.succeededFuture(tx -> Future.succeededFuture()));
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    Job done = awaitState(job.id(), JobState.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(3);
    assertThat(attempts(job.id())).containsExactly("1:failed", "2:failed", "3:succeeded");
    // Each retry waited at least half its exponential delay: 100 ms after the first failure, 200 ms after the second.
    List<Long> waits = waitsBetweenAttempts(job.id());
    assertThat(waits.get(0)).isGreaterThanOrEqualTo(100);
    assertThat(waits.get(1)).isGreaterThanOrEqualTo(200);
    assertThat(await(jobs.history(job.id())).getJsonObject(0).getString("error")).isEqualTo("unavailable: storage is down");
  }

  @Test
  void aJobOutOfAttemptsFailsWithItsErrorHistory() {
    start(Duration.ofSeconds(5), (job, control) -> Future.failedFuture(new IllegalStateException("boom")));
    Job job = await(queue.submit(project, KIND, asset, new JsonObject(), 2));
    Job failed = awaitState(job.id(), JobState.FAILED);
    assertThat(failed.attempts()).isEqualTo(2);
    assertThat(failed.error()).contains("boom");
    assertThat(attempts(job.id())).containsExactly("1:failed", "2:failed");
  }

  @Test
  void aRequestForOneAttemptIsNotRetried() {
    start(Duration.ofSeconds(5), (job, control) -> Future.failedFuture(new JobFailedException(ErrorCode.UNAVAILABLE, "down")));
    Job job = await(queue.submit(project, KIND, asset, new JsonObject(), 1));
    assertThat(awaitState(job.id(), JobState.FAILED).attempts()).isEqualTo(1);
  }

  @Test
  void aLongJobKeepsItsLeaseSoNoOtherWorkerTakesItOver() {
    AtomicInteger runs = new AtomicInteger();
    JobHandler slow = (job, control) -> {
      runs.incrementAndGet();
      Promise<JobHandler.ResultWriter> done = Promise.promise();
      vertx.setTimer(3_500, t -> done.complete(tx -> Future.succeededFuture()));
      return done.future();
    };
    start(Duration.ofSeconds(1), slow);
    start(Duration.ofSeconds(1), slow);
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    assertThat(awaitState(job.id(), JobState.SUCCEEDED).attempts()).isEqualTo(1);
    assertThat(runs).hasValue(1);
  }

  /** Runs each job for its {@code millis} parameter, counting its runs. */
  private JobHandler timed(java.util.Map<UUID, AtomicInteger> runs) {
    return (job, control) -> {
      runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
      Promise<JobHandler.ResultWriter> done = Promise.promise();
      vertx.setTimer(Math.max(1, job.params().getLong("millis", 0L)), t -> done.complete(JobHandler.ResultWriter.NONE));
      return done.future();
    };
  }

  private static JsonObject lasting(long millis) {
    return new JsonObject().put("millis", millis);
  }

  @Test
  void aStoppingWorkerHandsBackTheEntriesItReadAheadSoAnotherWorkerRunsThemWithoutWaitingForTheLease() {
    // A long lease: an entry left pending by the stopped worker would only come back after 60 s, past awaitState's
    // deadline.
    Duration lease = Duration.ofSeconds(60);
    WorkerConfig oneSlot = new WorkerConfig(1, lease, Duration.ofMillis(200), FAST_RETRY, Duration.ofMillis(200),
        Duration.ofSeconds(120));
    java.util.Map<UUID, AtomicInteger> runs = new java.util.concurrent.ConcurrentHashMap<>();
    JobWorker first = new JobWorker(vertx, engine, KIND, JobWorker.uniqueWorkerName("test"), oneSlot, timed(runs));
    await(first.start());
    // A short job first: the worker reads ahead once its jobs have shown to be short.
    Job shortOne = await(queue.submit(project, KIND, asset, lasting(1)));
    awaitState(shortOne.id(), JobState.SUCCEEDED);
    List<Job> submitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      submitted.add(await(queue.submit(project, KIND, asset, lasting(1_500))));
    }
    // One job in the worker's only slot and one read ahead: both entries pending with it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (await(redis.send(Request.cmd(Command.XPENDING).arg(KIND.streamKey()).arg(KIND.consumerGroup())))
        .get(0).toLong() < 2) {
      assertThat(System.nanoTime()).as("the worker reads one entry ahead").isLessThan(deadline);
      sleep(20);
    }
    await(first.stop(Duration.ofSeconds(10)));
    start(lease, timed(runs), oneSlot);
    for (Job job : submitted) {
      assertThat(awaitState(job.id(), JobState.SUCCEEDED).attempts()).isEqualTo(1);
      assertThat(runs.get(job.id())).hasValue(1);
    }
    awaitNoPendingEntries();
  }

  @Test
  void aWorkerBusyWithLongJobsLeavesTheNextEntryToAnIdleWorker() {
    WorkerConfig oneSlot = new WorkerConfig(1, Duration.ofSeconds(30), Duration.ofMillis(200), FAST_RETRY,
        Duration.ofMillis(200), Duration.ofSeconds(60));
    java.util.Map<UUID, AtomicInteger> runs = new java.util.concurrent.ConcurrentHashMap<>();
    start(Duration.ofSeconds(30), timed(runs), oneSlot);
    Job longOne = await(queue.submit(project, KIND, asset, lasting(4_000)));
    awaitState(longOne.id(), JobState.RUNNING);
    Job next = await(queue.submit(project, KIND, asset, lasting(1)));
    // Given time to read it, the busy worker must not take the entry for later.
    sleep(500);
    start(Duration.ofSeconds(30), timed(runs), oneSlot);
    awaitState(next.id(), JobState.SUCCEEDED);
    assertThat(await(jobs.find(project, longOne.id())).orElseThrow().state())
        .as("the short job ran on the idle worker while the long one still ran").isEqualTo(JobState.RUNNING);
    awaitState(longOne.id(), JobState.SUCCEEDED);
  }

  @Test
  void aStaleAttemptsResultIsRefusedOnceAnotherWorkerHasTakenTheJobOver() {
    await(pool.query("""
        CREATE TABLE IF NOT EXISTS test_results (job_id uuid PRIMARY KEY, attempt integer NOT NULL)""").execute());
    Promise<Void> releaseFirst = Promise.promise();
    AtomicInteger firstAttemptsDone = new AtomicInteger();
    // The result is keyed by job id, as every real result is: an upsert that a stale attempt must never reach.
    JobHandler handler = (job, control) -> {
      JobHandler.ResultWriter writer = tx -> tx.preparedQuery("""
              INSERT INTO test_results (job_id, attempt) VALUES ($1, $2)
              ON CONFLICT (job_id) DO UPDATE SET attempt = EXCLUDED.attempt""")
          .execute(Tuple.of(job.id(), job.attempts())).mapEmpty();
      return job.attempts() == 1
          ? releaseFirst.future().map(v -> {
            firstAttemptsDone.incrementAndGet();
            return writer;
          })
          : Future.succeededFuture(writer);
    };
    // Worker A renews its lease only every 10 s: the partition below happens between two renewals.
    Duration longLease = Duration.ofSeconds(30);
    start(longLease, handler, new WorkerConfig(1, longLease, Duration.ofMillis(200), FAST_RETRY,
        Duration.ofMillis(200), Duration.ofSeconds(60)));
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    awaitState(job.id(), JobState.RUNNING);
    // A is cut off (a long pause, a partition): its lease runs out while its handler still works.
    await(pool.preparedQuery("UPDATE jobs SET lease_expires_at = now() - interval '1 millisecond' WHERE id = $1")
        .execute(Tuple.of(job.id())));
    start(Duration.ofSeconds(5), handler);
    Job finished = awaitState(job.id(), JobState.SUCCEEDED);
    assertThat(finished.attempts()).isEqualTo(2);

    releaseFirst.complete();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (firstAttemptsDone.get() == 0) {
      assertThat(System.nanoTime()).as("A's handler finishes").isLessThan(deadline);
      sleep(20);
    }
    awaitNoPendingEntries();
    assertThat(await(pool.preparedQuery("SELECT attempt FROM test_results WHERE job_id = $1")
        .execute(Tuple.of(job.id()))).iterator().next().getInteger("attempt"))
        .as("the result is B's: A's late result was refused").isEqualTo(2);
    Job after = await(jobs.find(project, job.id())).orElseThrow();
    assertThat(after.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(after.attempts()).isEqualTo(2);
    assertThat(attempts(job.id())).containsExactly("1:abandoned", "2:succeeded");
    assertThat(count("SELECT count(*) FROM job_events WHERE job_id = $1 AND state = 'succeeded'", job.id()))
        .as("one success in the log").isEqualTo(1);
  }

  @Test
  void aWorkerNeverRunsMoreThanItsConcurrencyAtOnce() {
    AtomicInteger inHandler = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    JobHandler counting = (job, control) -> {
      peak.accumulateAndGet(inHandler.incrementAndGet(), Math::max);
      Promise<JobHandler.ResultWriter> done = Promise.promise();
      vertx.setTimer(Math.max(1, job.params().getLong("millis")), t -> {
        inHandler.decrementAndGet();
        done.complete(JobHandler.ResultWriter.NONE);
      });
      return done.future();
    };
    WorkerConfig three = new WorkerConfig(3, Duration.ofSeconds(10), Duration.ofMillis(200), FAST_RETRY,
        Duration.ofMillis(200), Duration.ofSeconds(60));
    start(Duration.ofSeconds(10), counting, three);
    // Short jobs first, so the worker reads ahead, then long ones, so it reads only for free slots: both ways the
    // worker holds more entries than slots at times, and neither may start more jobs than it has slots.
    List<Job> submitted = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      submitted.add(await(queue.submit(project, KIND, asset, lasting(i < 40 ? 2 : 150))));
    }
    submitted.forEach(job -> awaitState(job.id(), JobState.SUCCEEDED));
    assertThat(peak).as("jobs in the handler at once").hasValue(3);
    awaitNoPendingEntries();
  }

  @Test
  void aNonRetryableFailureEndsTheJobAtOnceWithItsReason() {
    start(Duration.ofSeconds(5), (job, control) -> Future.failedFuture(new JobFailedException(ErrorCode.CORRUPT_MEDIA, "cannot decode")));
    Job corrupt = await(queue.submit(project, KIND, asset, new JsonObject()));
    assertThat(awaitState(corrupt.id(), JobState.FAILED).error()).isEqualTo("corrupt_media: cannot decode");
    assertThat(attempts(corrupt.id())).containsExactly("1:failed");
    awaitNoPendingEntries();
  }

  @Test
  void cancellingARunningJobStopsItsHandlerAndEndsItCancelled() {
    AtomicInteger stoppedEarly = new AtomicInteger();
    start(Duration.ofSeconds(1), (job, control) -> {
      Promise<JobHandler.ResultWriter> done = Promise.promise();
      long poll = vertx.setPeriodic(50, t -> {
        if (control.isCancelRequested()) {
          stoppedEarly.incrementAndGet();
          done.tryFail(new java.util.concurrent.CancellationException());
        }
      });
      vertx.setTimer(30_000, t -> done.tryComplete(tx -> Future.succeededFuture()));
      return done.future().onComplete(r -> vertx.cancelTimer(poll));
    });
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    awaitState(job.id(), JobState.RUNNING);
    Job requested = await(jobs.requestCancel(project, job.id())).orElseThrow();
    assertThat(requested.state()).isEqualTo(JobState.RUNNING);
    awaitState(job.id(), JobState.CANCELLED);
    assertThat(stoppedEarly).hasValue(1);
    assertThat(attempts(job.id())).containsExactly("1:cancelled");
    awaitNoPendingEntries();
  }

  @Test
  void aCancellationReachesTheRunningHandlerOverTheBusWithoutWaitingForTheLeaseRenewal() {
    AtomicLong stoppedAt = new AtomicLong();
    JobHandler untilCancelled = (job, control) -> {
      Promise<JobHandler.ResultWriter> done = Promise.promise();
      long poll = vertx.setPeriodic(10, t -> {
        if (control.isCancelRequested()) {
          stoppedAt.compareAndSet(0, System.nanoTime());
          done.tryFail(new java.util.concurrent.CancellationException());
        }
      });
      return done.future().onComplete(r -> vertx.cancelTimer(poll));
    };
    // Renewals every 20 s: a stop within a second can only come from the request on the bus.
    Duration longLease = Duration.ofSeconds(60);
    start(longLease, untilCancelled, new WorkerConfig(1, longLease, Duration.ofMillis(200), FAST_RETRY,
        Duration.ofMillis(200), Duration.ofSeconds(120)));
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    Job running = awaitState(job.id(), JobState.RUNNING);
    assertThat(running.leaseOwner()).isEqualTo(workers.get(0).name());
    long cancelled = System.nanoTime();
    assertThat(await(queue.cancel(running)).cancelRequested()).isTrue();
    awaitState(job.id(), JobState.CANCELLED);
    assertThat(Duration.ofNanos(stoppedAt.get() - cancelled)).as("the handler was told at once")
        .isLessThan(Duration.ofSeconds(1));
    assertThat(attempts(job.id())).containsExactly("1:cancelled");
  }

  @Test
  void aStoppingWorkerHandsBackAJobThatOutlastsItsGracePeriodAndAnotherWorkerFinishesItWithoutWaitingForTheLease() {
    Duration longLease = Duration.ofSeconds(60);
    WorkerConfig config = new WorkerConfig(1, longLease, Duration.ofMillis(200), FAST_RETRY, Duration.ofMillis(200),
        Duration.ofSeconds(120));
    AtomicInteger toldToStop = new AtomicInteger();
    JobHandler firstNeverEnds = (job, control) -> {
      if (job.attempts() > 1) {
        return Future.succeededFuture(JobHandler.ResultWriter.NONE);
      }
      Promise<JobHandler.ResultWriter> done = Promise.promise();
      long poll = vertx.setPeriodic(10, t -> {
        if (control.isCancelRequested()) {
          toldToStop.incrementAndGet();
          done.tryFail(new java.util.concurrent.CancellationException());
        }
      });
      return done.future().onComplete(r -> vertx.cancelTimer(poll));
    };
    JobWorker draining = new JobWorker(vertx, engine, KIND, JobWorker.uniqueWorkerName("draining"), config,
        firstNeverEnds);
    await(draining.start());
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    awaitState(job.id(), JobState.RUNNING);
    await(draining.stop(Duration.ofMillis(300)));
    assertThat(toldToStop).as("the handed-back handler was told to stop").hasValue(1);

    start(longLease, firstNeverEnds, config);
    Job finished = awaitState(job.id(), JobState.SUCCEEDED);
    assertThat(finished.attempts()).isEqualTo(2);
    assertThat(finished.maxAttempts()).as("the handed-back attempt is given back").isEqualTo(KIND.defaultMaxAttempts() + 1);
    assertThat(attempts(job.id())).containsExactly("1:handed back", "2:succeeded");
    awaitNoPendingEntries();
  }

  @Test
  void aCancelledQueuedJobNeverRuns() {
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    assertThat(await(jobs.requestCancel(project, job.id())).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    AtomicInteger runs = new AtomicInteger();
    start(Duration.ofSeconds(5), (j, control) -> {
      runs.incrementAndGet();
      return Future.succeededFuture(tx -> Future.succeededFuture());
    });
    awaitNoPendingEntries();
    assertThat(runs).hasValue(0);
    assertThat(await(jobs.find(project, job.id())).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(await(jobs.requestCancel(project, job.id()))).as("a finished job cannot be cancelled").isEmpty();
    assertThat(await(jobs.requestCancel(UUID.randomUUID(), job.id()))).as("nor another project's").isEmpty();
  }

  @Test
  void aFailedJobRetriedOnRequestRunsAgainWithAFreshRoundOfAttempts() {
    AtomicInteger runs = new AtomicInteger();
    start(Duration.ofSeconds(5), (job, control) -> runs.incrementAndGet() == 1
        ? Future.failedFuture(new JobFailedException(ErrorCode.CORRUPT_MEDIA, "bad"))
        : Future.succeededFuture(tx -> Future.succeededFuture()));
    Job job = await(queue.submit(project, KIND, asset, new JsonObject()));
    Job failed = awaitState(job.id(), JobState.FAILED);
    Job requeued = await(queue.retry(failed));
    assertThat(requeued.state()).isEqualTo(JobState.QUEUED);
    assertThat(requeued.maxAttempts()).isEqualTo(1 + KIND.defaultMaxAttempts());
    assertThat(awaitState(job.id(), JobState.SUCCEEDED).attempts()).isEqualTo(2);
    assertThat(attempts(job.id())).containsExactly("1:failed", "2:succeeded");
    Job succeeded = await(jobs.find(project, job.id())).orElseThrow();
    assertThat(queue.retry(succeeded).toCompletionStage().toCompletableFuture()).as("a succeeded job is not retried")
        .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .isInstanceOf(WrongStateException.class).withMessageContaining("is succeeded");
  }

  @Test
  void aJobIsCommittedEvenWhenRedisCannotTakeItsEntry() {
    Redis unreachable = Redis.createClient(vertx, "redis://127.0.0.1:1");
    Job job = await(new JobQueue(jobs, unreachable, engine.events(), vertx.eventBus())
        .submit(project, KIND, asset, new JsonObject()));
    assertThat(await(jobs.find(project, job.id())).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    unreachable.close();
  }

  static final RetryPolicy FAST_RETRY = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(2));

  private void start(Duration lease, JobHandler handler) {
    start(lease, handler, new WorkerConfig(1, lease, Duration.ofMillis(200), FAST_RETRY, Duration.ofMillis(200),
        Duration.ofSeconds(60)));
  }

  private void start(Duration lease, JobHandler handler, WorkerConfig config) {
    JobWorker worker = new JobWorker(vertx, engine, KIND, JobWorker.uniqueWorkerName("test"), config, handler);
    await(worker.start());
    workers.add(worker);
    // As the worker verticle does: a sweeper beside each worker re-publishes what Redis lost.
    JobSweeper sweeper = new JobSweeper(vertx, jobs, queue, List.of(KIND), config.sweepInterval(), config.republishAfter());
    sweeper.start();
    sweepers.add(sweeper);
  }

  private static List<Long> waitsBetweenAttempts(UUID jobId) {
    List<Long> waits = new ArrayList<>();
    java.time.OffsetDateTime previousEnd = null;
    for (Row row : await(pool.preparedQuery("SELECT started_at, finished_at FROM job_attempts WHERE job_id = $1 ORDER BY attempt")
        .execute(Tuple.of(jobId)))) {
      if (previousEnd != null) {
        waits.add(Duration.between(previousEnd, row.getOffsetDateTime("started_at")).toMillis());
      }
      previousEnd = row.getOffsetDateTime("finished_at");
    }
    return waits;
  }

  private static Job awaitState(UUID jobId, JobState state) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Job job;
    do {
      job = await(jobs.find(project, jobId)).orElseThrow();
      if (job.state() == state) {
        return job;
      }
      sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("job " + jobId + " never reached " + state + "; it is " + job);
  }

  private static List<String> attempts(UUID jobId) {
    List<String> out = new ArrayList<>();
    for (Row row : await(pool.preparedQuery("SELECT attempt, outcome FROM job_attempts WHERE job_id = $1 ORDER BY attempt")
        .execute(Tuple.of(jobId)))) {
      out.add(row.getInteger("attempt") + ":" + row.getString("outcome"));
    }
    return out;
  }

  private static void awaitNoPendingEntries() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      var pending = await(redis.send(Request.cmd(Command.XPENDING).arg(KIND.streamKey()).arg(KIND.consumerGroup())));
      if (pending.get(0).toLong() == 0) {
        return;
      }
      sleep(50);
    }
    throw new AssertionError("entries still pending in " + KIND.streamKey());
  }

  private static long streamLength() {
    return await(redis.send(Request.cmd(Command.XLEN).arg(KIND.streamKey()))).toLong();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
