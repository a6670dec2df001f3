package io.atelier.upload;

import io.atelier.contracts.JobKind;
import io.atelier.jobs.PipelineSubmission;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The pipeline an upload's {@code Upload-Metadata} names ({@code pipeline}: job types separated by commas, e.g.
 * {@code transcription,enrichment}), started when the upload has become its asset. Each step gets its type's default
 * params and attempts. Checked at creation, so a bad one is refused before any byte is sent.
 */
final class UploadPipeline {

  static final String METADATA_KEY = "pipeline";

  private UploadPipeline() {
  }

  /** The steps, or an empty list when the metadata names no pipeline; 400 for a bad one. */
  static List<PipelineSubmission.Step> steps(JsonObject metadata) {
    String value = TusProtocol.metadataValue(metadata, METADATA_KEY);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<PipelineSubmission.Step> steps = new ArrayList<>();
    for (String name : value.split(",")) {
      JobKind kind = JobKind.fromWireName(name.trim()).filter(k -> k != JobKind.NOOP)
          .orElseThrow(() -> TusException.badRequest("Upload-Metadata's pipeline names '" + name.trim()
              + "', which is not a job type (" + String.join(", ", Arrays.stream(JobKind.values())
                  .filter(k -> k != JobKind.NOOP).map(JobKind::wireName).toList()) + ")"));
      if (kind.readsTranscript(new JsonObject())
          && steps.stream().noneMatch(s -> s.kind() == JobKind.TRANSCRIPTION)) {
        throw TusException.badRequest("Upload-Metadata's pipeline has " + kind.wireName() + " without a "
            + "transcription before it");
      }
      steps.add(new PipelineSubmission.Step(kind, new JsonObject(), kind.defaultMaxAttempts()));
    }
    if (steps.size() > PipelineSubmission.MAX_STEPS) {
      throw TusException.badRequest("Upload-Metadata's pipeline has " + steps.size() + " steps; at most "
          + PipelineSubmission.MAX_STEPS);
    }
    return steps;
  }

  /** The submission for the upload's asset; its idempotency key makes a completion run twice start it once. */
  static PipelineSubmission submission(UUID projectId, UUID assetId, UUID uploadId, List<PipelineSubmission.Step> steps) {
    return new PipelineSubmission(projectId, assetId, steps, null, "upload:" + uploadId);
  }
}
