package io.atelier.upload;

import io.atelier.contracts.AssetReady;
import io.atelier.contracts.BusAddresses;
import io.atelier.database.Asset;
import io.atelier.database.AssetRepository;
import io.atelier.database.Upload;
import io.atelier.database.UploadRepository;
import io.atelier.media.MediaInspection;
import io.atelier.media.MediaSniffer;
import io.atelier.jobs.PipelineQueue;
import io.atelier.jobs.PipelineSubmission;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an upload whose every byte is in (state {@code completing}) into its asset: the S3 multipart upload joined,
 * the bytes sniffed and read by ffprobe, the asset row written, the pipeline its metadata names started,
 * {@code asset.ready} published. Safe to run again on
 * an upload a dead node left half way (each step finds what an earlier run did), so whoever next touches it finishes
 * it. Bytes that are not media the mesh takes are deleted and the upload fails with the reason.
 */
final class UploadCompletion {

  private static final Logger LOG = LoggerFactory.getLogger(UploadCompletion.class);
  private static final Duration PROBE_LINK = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final UploadRepository uploads;
  private final AssetRepository assets;
  private final ObjectStorage storage;
  private final PipelineQueue pipelines;
  private final UploadMetrics metrics;
  private final UploadConfig config;
  private final MediaInspection inspection = new MediaInspection(Duration.ofSeconds(60));

  UploadCompletion(Vertx vertx, UploadRepository uploads, AssetRepository assets, ObjectStorage storage,
                   PipelineQueue pipelines, UploadMetrics metrics, UploadConfig config) {
    this.config = config;
    this.metrics = metrics;
    this.vertx = vertx;
    this.uploads = uploads;
    this.assets = assets;
    this.storage = storage;
    this.pipelines = pipelines;
  }

  /** What an upload became: its asset, and the pipeline its metadata named (or null). */
  record Completed(UUID assetId, UUID pipelineId) {
  }

  /** Completes the upload held by {@code token}, or fails with a {@link TusException} saying why not. */
  Future<Completed> finish(UUID uploadId, UUID token) {
    return uploads.parts(uploadId).compose(parts -> findHeld(uploadId).compose(upload -> storage
        .completeMultipart(upload.storageKey(), upload.multipartId(), parts.stream()
            .map(p -> new ObjectStorage.Part(p.number(), p.etag())).toList())
        .recover(e -> storage.exists(upload.storageKey())
            .compose(there -> there ? Future.succeededFuture() : Future.failedFuture(e)))
        .compose(v -> storage.getRange(upload.storageKey(), 0, MediaSniffer.HEAD_BYTES - 1))
        .compose(head -> vertx.executeBlocking(() -> inspect(upload, head.getBytes()), false))
        .compose(inspected -> {
          if (inspected.refused()) {
            return refuse(upload, token, inspected.refusal());
          }
          // An asset row already there is this upload's, written by a completion that died before its end.
          return sha256(upload)
              .compose(sha256 -> assets.insert(new Asset(upload.assetId(), upload.projectId(), filename(upload),
                      inspected.contentType(), upload.length(), sha256, upload.storageKey(), inspected.media().toJson(),
                      null))
                  .<Void>mapEmpty()
                  .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
                      ? Future.succeededFuture() : Future.failedFuture(e)))
              .compose(stored -> startPipeline(upload))
              .compose(pipelineId -> uploads.complete(uploadId, token, pipelineId).map(done -> done
                  ? new Completed(upload.assetId(), pipelineId) : null))
              .compose(completed -> {
                if (completed == null) {
                  return Future.failedFuture(TusException.conflict("the upload was completed by another request"));
                }
                vertx.eventBus().publish(BusAddresses.ASSET_READY, new AssetReady(upload.projectId(),
                    upload.assetId(), upload.id(), inspected.contentType(), upload.length()).toJson());
                metrics.completed();
                LOG.info("upload={} complete: asset={} {} bytes {}", upload.id(), upload.assetId(), upload.length(),
                    inspected.contentType());
                return Future.succeededFuture(completed);
              });
        })));
  }

  private Future<Upload> findHeld(UUID uploadId) {
    return uploads.findById(uploadId).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(TusException.notFound("no upload " + uploadId))));
  }

  private MediaInspection.Result inspect(Upload upload, byte[] head) throws java.io.IOException {
    return inspection.inspect(head, () -> storage.presignGet(upload.storageKey(), PROBE_LINK),
        type -> config.allows(upload.projectId(), type) ? null
            : "the file is " + type + "; this project takes " + config.allowedTypesOf(upload.projectId()));
  }

  private Future<UUID> startPipeline(Upload upload) {
    List<PipelineSubmission.Step> steps = UploadPipeline.steps(upload.metadata());
    if (steps.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return pipelines.submit(UploadPipeline.submission(upload.projectId(), upload.assetId(), upload.id(), steps))
        .map(submitted -> submitted.pipeline().id());
  }

  private Future<Completed> refuse(Upload upload, UUID token, String reason) {
    LOG.info("upload={} refused: {}", upload.id(), reason);
    metrics.refused();
    return uploads.fail(upload.id(), token, reason)
        .compose(v -> storage.delete(upload.storageKey()))
        .compose(v -> Future.failedFuture(new TusException(415, "Unsupported media type", reason)));
  }

  /**
   * The hash of the whole file: from the running state when the bytes came through here, else (the client sent its
   * parts to S3 itself) by reading the object once.
   */
  private Future<String> sha256(Upload upload) {
    if (upload.sha256State() == null) {
      return storage.sha256(upload.storageKey());
    }
    return Future.succeededFuture(HexFormat.of().formatHex(RunningSha256.resume(upload.sha256State()).digest()));
  }

  private static String filename(Upload upload) {
    return Asset.cleanFilename(TusProtocol.metadataValue(upload.metadata(), "filename"));
  }
}
