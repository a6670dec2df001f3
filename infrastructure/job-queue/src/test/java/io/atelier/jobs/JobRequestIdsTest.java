package io.atelier.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobEvent;
import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.correlation.RequestIds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job made while handling a request works for that request: the job stores its id, its events carry it, and its
 * worker runs the handler and commits the outcome with it set, a pipeline's later steps included.
 */
class JobRequestIdsTest {

  static JobTestServices fixture;

  final List<JobWorker> workers = new ArrayList<>();
  /** Completed by the bus as jobs succeed, and as pipelines' both steps have (the pipelines here have two). */
  final Map<UUID, CompletableFuture<Void>> succeeded = new ConcurrentHashMap<>();
  final Map<UUID, Queue<UUID>> succeededSteps = new ConcurrentHashMap<>();
  /** Each event's state and request id header, in order, by job. */
  final Map<UUID, Queue<String>> eventHeaders = new ConcurrentHashMap<>();
  MessageConsumer<JsonObject> events;
  /** What each kind's handler saw: "job id: request id at start, after a query, in blocking code, in its writer". */
  final Map<UUID, String> seen = new ConcurrentHashMap<>();

  @BeforeAll
  static void startServices() {
    fixture = JobTestServices.start("request-ids", 4);
  }

  @AfterAll
  static void stopServices() {
    fixture.close();
  }

  @BeforeEach
  void listenToJobEvents() throws Exception {
    events = fixture.vertx().eventBus().<JsonObject>consumer(BusAddresses.JOB_EVENTS, message -> {
      JobEvent event = JobEvent.fromJson(message.body());
      eventHeaders.computeIfAbsent(event.jobId(), id -> new ConcurrentLinkedQueue<>())
          .add(event.state().wireName() + ":" + message.headers().get(RequestIds.BUS_HEADER));
      if (event.state() == JobState.SUCCEEDED) {
        succeeded(event.jobId()).complete(null);
        if (event.pipelineId() != null) {
          Queue<UUID> steps = succeededSteps.computeIfAbsent(event.pipelineId(), id -> new ConcurrentLinkedQueue<>());
          steps.add(event.jobId());
          if (steps.size() == 2) {
            succeeded(event.pipelineId()).complete(null);
          }
        }
      }
    });
    events.completion().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopWorkers() throws Exception {
    workers.forEach(w -> JobWorkerTest.await(w.stop(Duration.ofSeconds(10))));
    events.unregister().await(10, TimeUnit.SECONDS);
  }

  private CompletableFuture<Void> succeeded(UUID id) {
    return succeeded.computeIfAbsent(id, key -> new CompletableFuture<>());
  }

  @Test
  void aJobStoresTheIdOfTheRequestThatSubmittedItAndItsWorkerRunsItForThatRequest() throws Exception {
    startWorker(JobKind.TRANSCRIPTION);
    Submitted job = forRequest("chaos-job", JobRequestIdsTest::submitTranscription);

    assertThat(job.idInCallback()).isEqualTo("chaos-job");
    succeeded(job.job().id()).get(20, TimeUnit.SECONDS);
    Job stored = JobWorkerTest.await(fixture.engine().jobs().find(fixture.project(), job.job().id())).orElseThrow();
    assertThat(stored.requestId()).isEqualTo("chaos-job");
    assertThat(stored.toApiJson().getString("requestId")).isEqualTo("chaos-job");
    assertThat(seen.get(stored.id())).isEqualTo("chaos-job chaos-job chaos-job chaos-job");
    assertThat(eventHeaders.get(stored.id()))
        .containsExactly("queued:chaos-job", "running:chaos-job", "succeeded:chaos-job");
  }

  @Test
  void jobsSubmittedTogetherByManyRequestsEachKeepTheirOwnAndOneOutsideAnyRequestHasNone() throws Exception {
    startWorker(JobKind.TRANSCRIPTION);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(i == 7 ? null : "chaos-many-" + i);
    }
    // All submitted in one go from one event loop, as requests arriving together are: they share commits.
    CompletableFuture<List<Submitted>> all = new CompletableFuture<>();
    Context base = fixture.vertx().getOrCreateContext();
    base.runOnContext(v -> {
      List<Future<Submitted>> submitted = new ArrayList<>();
      for (String id : ids) {
        CompletableFuture<Submitted> one = new CompletableFuture<>();
        RequestIds.runOn(RequestIds.scoped(base, id), () -> submitTranscription().onSuccess(one::complete));
        submitted.add(Future.fromCompletionStage(one));
      }
      Future.all(submitted).onSuccess(done -> all.complete(done.list()));
    });
    List<Submitted> submitted = all.get(20, TimeUnit.SECONDS);
    for (int i = 0; i < ids.size(); i++) {
      assertThat(submitted.get(i).job().requestId()).isEqualTo(ids.get(i));
      assertThat(submitted.get(i).idInCallback()).isEqualTo(String.valueOf(ids.get(i)));
    }
    for (int i = 0; i < ids.size(); i++) {
      UUID jobId = submitted.get(i).job().id();
      succeeded(jobId).get(20, TimeUnit.SECONDS);
      String id = String.valueOf(ids.get(i));
      assertThat(seen.get(jobId)).isEqualTo(id + " " + id + " " + id + " " + id);
    }
  }

  @Test
  void aPipelinesLaterStepWorksForTheRequestThatSubmittedThePipeline() throws Exception {
    startWorker(JobKind.TRANSCRIPTION);
    startWorker(JobKind.ENRICHMENT);
    PipelineSubmission submission = new PipelineSubmission(fixture.project(), fixture.asset(), List.of(
        new PipelineSubmission.Step(JobKind.TRANSCRIPTION, new JsonObject(), 3),
        new PipelineSubmission.Step(JobKind.ENRICHMENT, new JsonObject(), 3)), null, null);
    CompletableFuture<Pipeline> made = new CompletableFuture<>();
    Context base = fixture.vertx().getOrCreateContext();
    base.runOnContext(v -> RequestIds.runOn(RequestIds.scoped(base, "chaos-pipe"),
        () -> fixture.engine().pipelineQueue().submit(submission).onSuccess(s -> made.complete(s.pipeline()))));
    Pipeline pipeline = made.get(20, TimeUnit.SECONDS);
    assertThat(pipeline.requestId()).isEqualTo("chaos-pipe");
    assertThat(pipeline.toApiJson().getString("requestId")).isEqualTo("chaos-pipe");

    // Its last step's success commits with the pipeline's.
    succeeded(pipeline.id()).get(30, TimeUnit.SECONDS);
    Pipeline finished = JobWorkerTest.await(fixture.engine().pipelines().find(fixture.project(), pipeline.id()))
        .orElseThrow();
    assertThat(finished.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(finished.jobs()).hasSize(2).allSatisfy(job -> {
      assertThat(job.requestId()).isEqualTo("chaos-pipe");
      assertThat(seen.get(job.id())).isEqualTo("chaos-pipe chaos-pipe chaos-pipe chaos-pipe");
    });
  }

  /** A submitted job and the request id its submitter's callback ran with. */
  record Submitted(Job job, String idInCallback) {
  }

  private static Future<Submitted> submitTranscription() {
    return fixture.engine().queue().submit(new JobSubmission(fixture.project(), JobKind.TRANSCRIPTION, fixture.asset(),
            new JsonObject(), 3, null, null))
        .map(s -> new Submitted(s.job(), String.valueOf(RequestIds.current())));
  }

  /** Runs {@code submit} on a context working for {@code id}, as a request handler does. */
  private static Submitted forRequest(String id, Supplier<Future<Submitted>> submit) throws Exception {
    CompletableFuture<Submitted> result = new CompletableFuture<>();
    Context base = fixture.vertx().getOrCreateContext();
    base.runOnContext(v -> RequestIds.runOn(RequestIds.scoped(base, id), () -> submit.get()
        .onSuccess(result::complete)
        .onFailure(result::completeExceptionally)));
    return result.get(20, TimeUnit.SECONDS);
  }

  /** A worker whose handler notes the request id it works for at each step of an attempt. */
  private void startWorker(JobKind kind) {
    JobHandler handler = (job, control) -> {
      String atStart = RequestIds.current();
      return fixture.pool().query("SELECT 1").execute()
          .map(rows -> atStart + " " + RequestIds.current())
          .compose(sofar -> fixture.vertx().executeBlocking(() -> sofar + " " + RequestIds.current()))
          .map(sofar -> transaction -> {
            seen.put(job.id(), sofar + " " + RequestIds.current());
            return Future.succeededFuture();
          });
    };
    JobWorker worker = new JobWorker(fixture.vertx(), fixture.engine(), kind, JobWorker.uniqueWorkerName("ids"),
        WorkerConfig.of(4, Duration.ofSeconds(5)), handler);
    JobWorkerTest.await(worker.start());
    workers.add(worker);
  }
}
