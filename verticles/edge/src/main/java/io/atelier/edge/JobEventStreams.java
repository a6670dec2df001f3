package io.atelier.edge;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.JobState;
import io.atelier.jobs.JobRepository;
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

/**
 * {@code GET /v1/jobs/{id}/events}: the job's event log as Server-Sent Events, live, resumable with
 * {@code Last-Event-ID}. The log in PostgreSQL is the source: a bus event only says the log has grown, so each stream
 * reads what follows its last event id, and nothing is lost or repeated whichever edge the client reconnects to.
 * The stream ends after the job's final state.
 */
final class JobEventStreams {

  static final long SAFETY_PULL_MILLIS = 10_000;
  private static final int PAGE = 500;

  private final Vertx vertx;
  private final JobRepository jobs;
  private final Map<UUID, Set<Stream>> streamsByJob = new HashMap<>();
  private MessageConsumer<JsonObject> consumer;

  JobEventStreams(Vertx vertx, JobRepository jobs) {
    this.vertx = vertx;
    this.jobs = jobs;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(BusAddresses.JOB_EVENTS, message -> {
      Set<Stream> streams = streamsByJob.get(UUID.fromString(message.body().getString("jobId")));
      if (streams != null) {
        List.copyOf(streams).forEach(Stream::pull);
      }
    });
    return consumer.completion();
  }

  Future<Void> stop() {
    streamsByJob.values().stream().flatMap(Set::stream).toList().forEach(s -> s.response.end());
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  void mount(Router router) {
    router.get("/v1/jobs/:jobId/events").handler(this::open);
  }

  private void open(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    long after = lastEventId(ctx);
    JobRoutes.find(jobs, projectId, ctx.pathParam("jobId")).onSuccess(job -> {
      HttpServerResponse response = ctx.response()
          .setChunked(true)
          .putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      response.write(": events of job " + job.id() + "\n\n");
      // A job already finished has its whole log written: the stream ends once it has sent it.
      Stream stream = new Stream(projectId, job.id(), after, response, job.state().isTerminal());
      streamsByJob.computeIfAbsent(job.id(), id -> new HashSet<>()).add(stream);
      stream.timer = vertx.setPeriodic(SAFETY_PULL_MILLIS, t -> {
        response.write(": keep-alive\n\n");
        stream.pull();
      });
      response.closeHandler(v -> stream.close());
      stream.pull();
    }).onFailure(ctx::fail);
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
    final UUID projectId;
    final UUID jobId;
    final HttpServerResponse response;
    long lastId;
    long timer = -1;
    boolean pulling;
    boolean pullAgain;
    boolean closed;
    final boolean jobFinishedAtOpen;

    Stream(UUID projectId, UUID jobId, long lastId, HttpServerResponse response, boolean jobFinishedAtOpen) {
      this.projectId = projectId;
      this.jobId = jobId;
      this.lastId = lastId;
      this.response = response;
      this.jobFinishedAtOpen = jobFinishedAtOpen;
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
      jobs.eventsAfter(projectId, jobId, lastId, PAGE).onComplete(result -> {
        pulling = false;
        if (closed) {
          return;
        }
        boolean finished = false;
        if (result.succeeded()) {
          for (JsonObject event : result.result()) {
            lastId = event.getLong("id");
            response.write("id: " + lastId + "\nevent: " + event.getString("type") + "\ndata: " + event.encode() + "\n\n");
            finished = "state".equals(event.getString("type"))
                && JobState.fromWireName(event.getString("state")).isTerminal();
          }
        }
        boolean drained = result.succeeded() && result.result().size() < PAGE;
        if (finished || drained && jobFinishedAtOpen) {
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
      Set<Stream> streams = streamsByJob.get(jobId);
      if (streams != null) {
        streams.remove(this);
        if (streams.isEmpty()) {
          streamsByJob.remove(jobId);
        }
      }
    }
  }
}
