package io.atelier.render;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.JobKind;
import io.atelier.contracts.render.AudiogramSpec;
import io.atelier.contracts.render.ExportKitSpec;
import io.atelier.contracts.render.InvalidParamException;
import io.atelier.contracts.render.SubtitledVideoSpec;
import io.atelier.database.DocumentRepository;
import io.atelier.database.EnrichmentRepository;
import io.atelier.database.Transcript;
import io.atelier.database.TranscriptRepository;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobFailedException;
import io.atelier.jobs.PipelineRepository;
import io.atelier.transcripts.TranscriptDocuments;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.UUID;

/**
 * The results of other jobs that a render uses: the transcript (as people have edited it) whose subtitles it burns
 * in or packs, and the enrichment a kit holds. Each is the one the params name, else the step before it in its
 * pipeline, else the asset's latest.
 */
final class RenderInputs {

  private static final YjsUpdates YJS = YjsUpdates.java();

  /** What a render uses besides its asset; null where it uses nothing or there is nothing. */
  record Uses(Transcript transcript, EnrichmentRepository.StoredEnrichment enrichment) {
    static final Uses NONE = new Uses(null, null);
  }

  private final Vertx vertx;
  private final PipelineRepository pipelines;
  private final TranscriptRepository transcripts;
  private final DocumentRepository documents;
  private final EnrichmentRepository enrichments;

  RenderInputs(Vertx vertx, PipelineRepository pipelines, TranscriptRepository transcripts,
               DocumentRepository documents, EnrichmentRepository enrichments) {
    this.vertx = vertx;
    this.pipelines = pipelines;
    this.transcripts = transcripts;
    this.documents = documents;
    this.enrichments = enrichments;
  }

  Future<Uses> of(Job job) {
    UUID transcriptJobId;
    UUID enrichmentJobId = null;
    try {
      switch (job.kind()) {
        case SUBTITLED_VIDEO -> transcriptJobId = SubtitledVideoSpec.from(job.params()).transcriptJobId();
        case AUDIOGRAM -> {
          AudiogramSpec spec = AudiogramSpec.from(job.params());
          if (!spec.subtitles()) {
            return Future.succeededFuture(Uses.NONE);
          }
          transcriptJobId = spec.transcriptJobId();
        }
        case EXPORT_KIT -> {
          ExportKitSpec spec = ExportKitSpec.from(job.params());
          transcriptJobId = spec.transcriptJobId();
          enrichmentJobId = spec.enrichmentJobId();
        }
        default -> {
          return Future.succeededFuture(Uses.NONE);
        }
      }
    } catch (InvalidParamException invalid) {
      return Future.failedFuture(new JobFailedException(ErrorCode.INVALID_INPUT, invalid.getMessage()));
    }
    Future<Transcript> transcript = transcript(job, transcriptJobId);
    if (job.kind() != JobKind.EXPORT_KIT) {
      return transcript.map(t -> new Uses(t, null));
    }
    UUID namedEnrichment = enrichmentJobId;
    return transcript.compose(t -> pipelines.inputJob(job, JobKind.ENRICHMENT, namedEnrichment)
        .compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.<EnrichmentRepository.StoredEnrichment>empty())
            : enrichments.find(job.projectId(), found.get()).compose(e -> e.isEmpty() && namedEnrichment != null
                ? Future.failedFuture(new JobFailedException(ErrorCode.NOT_FOUND, "job " + namedEnrichment
                    + " (params.enrichmentJobId) has no enrichment in this project"))
                : Future.succeededFuture(e)))
        .map(e -> new Uses(t, e.orElse(null))));
  }

  private Future<Transcript> transcript(Job job, UUID named) {
    return pipelines.inputJob(job, JobKind.TRANSCRIPTION, named)
        .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new JobFailedException(ErrorCode.NOT_FOUND, "a " + job.kind().wireName() + " job uses a transcript, and "
                + (job.pipelineId() != null ? "pipeline " + job.pipelineId() + " has no succeeded transcription "
                    + "step before step " + job.pipelineStep()
                    : "asset " + job.assetId() + " has no succeeded transcription; run one first, or name one in "
                    + "params.transcriptJobId")))))
        .compose(id -> TranscriptDocuments.findEdited(vertx, transcripts, documents, YJS, job.projectId(), id)
            .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
                new JobFailedException(ErrorCode.NOT_FOUND, "job " + id + " has no transcript in this project")))));
  }
}
