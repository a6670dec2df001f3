package io.atelier.edge;

import io.atelier.contracts.BusMessages;
import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobEvent;
import io.atelier.contracts.JobState;
import io.atelier.jobs.JobRepository;
import io.atelier.jobs.PipelineRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/jobs/{id}/events} and {@code GET /v1/events?pipeline={id}}: a job's or a pipeline's event log as
 * Server-Sent Events, live, resumable with {@code Last-Event-ID}. The log in PostgreSQL is the source: a bus event
 * only says the log has grown, so each stream reads what follows its last event id, and nothing is lost or repeated
 * whichever edge the client reconnects to. A job's stream ends after the job's final state; a pipeline's after the
 * pipeline's (a resumed pipeline is followed by opening its stream again with the last event id).
 */
final class JobEventStreams {

  static final long SAFETY_PULL_MILLIS = 10_000;
  /** How soon a client whose stream a stopping edge ends should reconnect (the SSE {@code retry:} field). */
  static final long RECONNECT_MILLIS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(JobEventStreams.class);
  private static final int PAGE = 500;

  private final Vertx vertx;
  private final JobLookup jobs;
  private final JobRepository jobLog;
  private final PipelineRepository pipelines;
  /** Open streams by the job or pipeline they follow. */
  private final Map<UUID, Set<Stream>> streamsBySubject = new HashMap<>();
  private MessageConsumer<JsonObject> consumer;

  JobEventStreams(Vertx vertx, JobRepository jobs, PipelineRepository pipelines) {
    this.vertx = vertx;
    this.jobs = new JobLookup(jobs);
    this.jobLog = jobs;
    this.pipelines = pipelines;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(BusAddresses.JOB_EVENTS, message -> {
      // A node of another version, or a bad message, is refused: the streams' safety poll still reads the log.
      BusMessages.decode(message, JobEvent::fromJson).ifPresent(event -> {
        wake(event.jobId());
        wake(event.pipelineId());
      });
    });
    return consumer.completion();
  }

  private void wake(UUID subject) {
    Set<Stream> streams = subject == null ? null : streamsBySubject.get(subject);
    if (streams != null) {
      List.copyOf(streams).forEach(Stream::pull);
    }
  }

  /**
   * Ends every open stream with a hint to reconnect at once: the client's EventSource reconnects through the load
   * balancer to another edge and resumes after the last event it has, by {@code Last-Event-ID}.
   */
  Future<Void> stop() {
    streamsBySubject.values().stream().flatMap(Set::stream).toList().forEach(s -> {
      s.close();
      s.response.end("retry: " + RECONNECT_MILLIS + "\n\n");
    });
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  void mount(Router router) {
    router.get("/v1/jobs/:jobId/events").handler(this::openJob);
    router.get("/v1/events").handler(this::openPipeline);
  }

  private void openJob(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    long after = lastEventId(ctx);
    jobs.find(projectId, ctx.pathParam("jobId")).onSuccess(job -> open(ctx, "job", job.id(), after,
        job.state().isTerminal(), from -> jobLog.eventsAfter(projectId, job.id(), from, PAGE),
        event -> "state".equals(event.getString("type")))).onFailure(ctx::fail);
  }

  private void openPipeline(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    long after = lastEventId(ctx);
    String raw = ctx.request().getParam("pipeline");
    if (raw == null || raw.isBlank()) {
      throw Problem.invalidField("pipeline", "query parameter 'pipeline' is required: the id of the pipeline to follow");
    }
    PipelineRoutes.find(pipelines, projectId, raw).onSuccess(pipeline -> open(ctx, "pipeline", pipeline.id(), after,
        pipeline.state().isTerminal(), from -> pipelines.eventsAfter(projectId, pipeline.id(), from, PAGE),
        event -> "pipeline".equals(event.getString("type")))).onFailure(ctx::fail);
  }

  /**
   * Opens a stream of {@code subject}'s log; {@code finalEvent} tells which events carry the subject's own state
   * (the stream ends after a final one).
   */
  private void open(RoutingContext ctx, String what, UUID subject, long after, boolean finishedAtOpen,
                    Function<Long, Future<List<JsonObject>>> reader, Predicate<JsonObject> finalEvent) {
    HttpServerResponse response = ctx.response()
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(": events of " + what + " " + subject + "\n\n");
    // A job or pipeline already finished has its whole log written: the stream ends once it has sent it.
    Stream stream = new Stream(subject, after, response, finishedAtOpen, reader, finalEvent);
    streamsBySubject.computeIfAbsent(subject, id -> new HashSet<>()).add(stream);
    stream.timer = vertx.setPeriodic(SAFETY_PULL_MILLIS, t -> {
      response.write(": keep-alive\n\n");
      stream.pull();
    });
    response.closeHandler(v -> stream.close());
    stream.pull();
  }

  private static long lastEventId(RoutingContext ctx) {
    String raw = ctx.request().getHeader("Last-Event-ID");
    if (raw == null) {
      raw = ctx.request().getParam("lastEventId");
    }
    if (raw == null || raw.isBlank()) {
      return 0;
    }
    if (!raw.trim().matches("\\d{1,18}")) {
      throw Problem.invalidField("Last-Event-ID", "Last-Event-ID must be the id of an event this stream sent");
    }
    return Long.parseLong(raw.trim());
  }

  private final class Stream {
    final UUID subject;
    final HttpServerResponse response;
    final Function<Long, Future<List<JsonObject>>> reader;
    final Predicate<JsonObject> finalEvent;
    long lastId;
    long timer = -1;
    boolean pulling;
    boolean pullAgain;
    boolean closed;
    final boolean finishedAtOpen;

    Stream(UUID subject, long lastId, HttpServerResponse response, boolean finishedAtOpen,
           Function<Long, Future<List<JsonObject>>> reader, Predicate<JsonObject> finalEvent) {
      this.subject = subject;
      this.lastId = lastId;
      this.response = response;
      this.finishedAtOpen = finishedAtOpen;
      this.reader = reader;
      this.finalEvent = finalEvent;
    }

    /** Sends what the log holds after the last event sent; one read at a time, again if asked meanwhile. */
    void pull() {
      if (closed) {
        return;
      }
      if (pulling) {
        pullAgain = true;
        return;
      }
      pulling = true;
      reader.apply(lastId).onComplete(result -> {
        pulling = false;
        if (closed) {
          return;
        }
        boolean finished = false;
        if (result.succeeded()) {
          for (JsonObject event : result.result()) {
            lastId = event.getLong("id");
            response.write("id: " + lastId + "\nevent: " + event.getString("type") + "\ndata: " + event.encode() + "\n\n");
            // The subject's latest own state decides (a retried job's "failed" is followed by "queued"); events
            // after it in the page committed with it and are sent too.
            if (finalEvent.test(event)) {
              finished = JobState.fromWireName(event.getString("state")).isTerminal();
            }
          }
        }
        boolean drained = result.succeeded() && result.result().size() < PAGE;
        if (finished || drained && finishedAtOpen) {
          response.end();
          close();
        } else if (pullAgain || result.succeeded() && result.result().size() == PAGE) {
          pullAgain = false;
          pull();
        }
      });
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      vertx.cancelTimer(timer);
      Set<Stream> streams = streamsBySubject.get(subject);
      if (streams != null) {
        streams.remove(this);
        if (streams.isEmpty()) {
          streamsBySubject.remove(subject);
        }
      }
    }
  }
}
