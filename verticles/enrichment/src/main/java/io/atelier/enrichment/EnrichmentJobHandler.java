package io.atelier.enrichment;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.JobKind;
import io.atelier.database.DocumentRepository;
import io.atelier.database.EnrichmentRepository;
import io.atelier.database.Transcript;
import io.atelier.database.TranscriptRepository;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import io.atelier.jobs.JobHandler;
import io.atelier.jobs.PipelineRepository;
import io.atelier.transcripts.TranscriptDocuments;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * An enrichment job: keywords, summary and chapters of a transcript (its text as edited in its collaborative
 * document), committed with the job's success. The transcript
 * is the one {@code params.transcriptJobId} names or, in a pipeline, that of the transcription step before this one.
 */
final class EnrichmentJobHandler implements JobHandler {

  private static final YjsUpdates YJS = YjsUpdates.java();

  private final Vertx vertx;
  private final TranscriptRepository transcripts;
  private final DocumentRepository documents;
  private final PipelineRepository pipelines;
  private final WorkerExecutor workers;

  EnrichmentJobHandler(Vertx vertx, TranscriptRepository transcripts, DocumentRepository documents,
                       PipelineRepository pipelines, WorkerExecutor workers) {
    this.vertx = vertx;
    this.transcripts = transcripts;
    this.documents = documents;
    this.pipelines = pipelines;
    this.workers = workers;
  }

  @Override
  public Future<ResultWriter> run(Job job, JobControl control) {
    return transcriptJob(job)
        // As people have edited it, if they have.
        .compose(transcriptJobId -> TranscriptDocuments.findEdited(vertx, transcripts, documents, YJS,
                job.projectId(), transcriptJobId)
            .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
                new JobFailedException(ErrorCode.NOT_FOUND, "job " + transcriptJobId + " has no transcript")))))
        .compose(transcript -> workers.executeBlocking(() -> analyze(transcript), false)
            .map(enrichment -> {
              control.reportProgress(1.0, "analysed");
              EnrichmentRepository.StoredEnrichment stored = new EnrichmentRepository.StoredEnrichment(job.id(),
                  job.projectId(), transcript.jobId(), enrichment.getJsonArray("keywords"),
                  enrichment.getString("summary"), enrichment.getJsonArray("chapters"));
              return (ResultWriter) tx -> EnrichmentRepository.upsert(tx, stored);
            }));
  }

  @Override
  public Future<Void> close() {
    return workers.close();
  }

  private static JsonObject analyze(Transcript transcript) {
    try {
      return TranscriptAnalyzer.analyze(transcript.words(), transcript.durationSeconds()).toJson();
    } catch (IllegalArgumentException malformed) {
      throw new JobFailedException(ErrorCode.INVALID_INPUT, "the transcript of job " + transcript.jobId()
          + " is malformed: " + malformed.getMessage());
    }
  }

  private Future<UUID> transcriptJob(Job job) {
    Object named = job.params().getValue("transcriptJobId");
    UUID namedId;
    try {
      namedId = named == null ? null : UUID.fromString((String) named);
    } catch (ClassCastException | IllegalArgumentException invalid) {
      return Future.failedFuture(new JobFailedException(ErrorCode.INVALID_INPUT,
          "params.transcriptJobId must be the id of a transcription job"));
    }
    return pipelines.inputJob(job, JobKind.TRANSCRIPTION, namedId)
        .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new JobFailedException(ErrorCode.NOT_FOUND, job.pipelineId() != null
                ? "pipeline " + job.pipelineId() + " has no succeeded transcription step before step "
                    + job.pipelineStep()
                : "asset " + job.assetId() + " has no succeeded transcription; run one first, or name one in "
                    + "params.transcriptJobId"))));
  }

}
