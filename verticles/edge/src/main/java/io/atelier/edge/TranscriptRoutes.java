package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.database.Transcript;
import io.atelier.database.TranscriptRepository;
import io.atelier.jobs.JobRepository;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /v1/transcripts/{jobId}} (JSON: text and timed words) and the stored renderings
 * {@code {jobId}.srt}, {@code .vtt}, {@code .txt} and {@code .json}.
 */
final class TranscriptRoutes {

  private static final Map<String, String> FORMATS = Map.of(
      "srt", "application/x-subrip; charset=utf-8",
      "vtt", "text/vtt; charset=utf-8",
      "txt", "text/plain; charset=utf-8",
      "json", "application/json");

  private final JobLookup jobs;
  private final TranscriptRepository transcripts;
  private final ObjectStorage storage;

  TranscriptRoutes(JobRepository jobs, TranscriptRepository transcripts, ObjectStorage storage) {
    this.jobs = new JobLookup(jobs);
    this.transcripts = transcripts;
    this.storage = storage;
  }

  void mount(Router router) {
    router.get("/v1/transcripts/:ref").handler(this::get);
  }

  private void get(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String ref = ctx.pathParam("ref");
    int dot = ref.lastIndexOf('.');
    String jobRef = dot < 0 ? ref : ref.substring(0, dot);
    String format = dot < 0 ? null : ref.substring(dot + 1);
    if (format != null && !FORMATS.containsKey(format)) {
      ctx.fail(Problem.notFound("no transcript format '" + format + "' (one of: srt, vtt, txt, json)"));
      return;
    }
    jobs.succeeded(projectId, jobRef, JobKind.TRANSCRIPTION, "transcript")
        .compose(job -> transcripts.find(projectId, job.id()).compose(t -> t.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("job " + jobRef + " has no transcript")))))
        .compose(transcript -> format == null ? Future.succeededFuture(respondJson(ctx, transcript)) : respondFile(ctx, transcript, format))
        .onFailure(ctx::fail);
  }

  private static Void respondJson(RoutingContext ctx, Transcript transcript) {
    ctx.json(transcript.toApiJson());
    return null;
  }

  private Future<Void> respondFile(RoutingContext ctx, Transcript transcript, String format) {
    String key = transcript.files().getString(format);
    if (key == null) {
      return Future.failedFuture(Problem.notFound("the transcript has no " + format + " rendering"));
    }
    return storage.getBytes(key).compose(bytes -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, FORMATS.get(format))
        .end(bytes));
  }
}
