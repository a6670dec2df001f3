package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.database.DocumentRepository;
import io.atelier.database.Transcript;
import io.atelier.database.TranscriptRepository;
import io.atelier.jobs.JobRepository;
import io.atelier.storage.ObjectStorage;
import io.atelier.transcripts.TranscriptDocuments;
import io.atelier.transcripts.TranscriptFormat;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code GET /v1/transcripts/{jobId}} (JSON: text and timed words) and its renderings {@code {jobId}.srt},
 * {@code .vtt}, {@code .txt} and {@code .json}: as people have edited the transcript's collaborative document, words
 * retimed from the recognised ones ({@code "edited": true}); the renderings stored with the job when it is unedited.
 */
final class TranscriptRoutes {

  private final Vertx vertx;
  private final JobLookup jobs;
  private final TranscriptRepository transcripts;
  private final DocumentRepository documents;
  private final YjsUpdates yjs;
  private final ObjectStorage storage;

  TranscriptRoutes(Vertx vertx, JobRepository jobs, TranscriptRepository transcripts, DocumentRepository documents,
                   YjsUpdates yjs, ObjectStorage storage) {
    this.vertx = vertx;
    this.jobs = new JobLookup(jobs);
    this.transcripts = transcripts;
    this.documents = documents;
    this.yjs = yjs;
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
    String extension = dot < 0 ? null : ref.substring(dot + 1);
    TranscriptFormat format = extension == null ? null : TranscriptFormat.fromExtension(extension).orElse(null);
    if (extension != null && format == null) {
      ctx.fail(Problem.notFound("no transcript format '" + extension + "' (one of: srt, vtt, txt, json)"));
      return;
    }
    jobs.succeeded(projectId, jobRef, JobKind.TRANSCRIPTION, "transcript")
        .compose(job -> transcripts.find(projectId, job.id()).compose(t -> t.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("job " + jobRef + " has no transcript")))))
        .compose(recognised -> TranscriptDocuments.edited(vertx, documents, yjs, recognised).compose(transcript -> {
          boolean edited = transcript != recognised;
          if (format == null) {
            ctx.json(TranscriptFormat.apiJson(transcript, edited));
            return Future.succeededFuture();
          }
          return edited ? respondRendered(ctx, transcript, format) : respondFile(ctx, transcript, format);
        }))
        .onFailure(ctx::fail);
  }

  /** An edited transcript's rendering, made now from its retimed words. */
  private static Future<Void> respondRendered(RoutingContext ctx, Transcript transcript, TranscriptFormat format) {
    return ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, format.contentType())
        .end(format.render(transcript, true));
  }

  private Future<Void> respondFile(RoutingContext ctx, Transcript transcript, TranscriptFormat format) {
    String key = transcript.files().getString(format.extension());
    if (key == null) {
      return Future.failedFuture(Problem.notFound("the transcript has no " + format.extension() + " rendering"));
    }
    return storage.getBytes(key).compose(bytes -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, format.contentType())
        .end(bytes));
  }
}
