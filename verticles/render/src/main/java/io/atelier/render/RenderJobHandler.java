package io.atelier.render;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.JobKind;
import io.atelier.contracts.render.InvalidParamException;
import io.atelier.database.Asset;
import io.atelier.database.AssetRepository;
import io.atelier.database.RenderRepository;
import io.atelier.jobs.AttemptScratch;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import io.atelier.jobs.JobHandler;
import io.atelier.media.MediaInfo;
import io.atelier.media.MediaProbe;
import io.atelier.storage.ObjectKeys;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job of any render kind: fetch the asset from S3 into the attempt's scratch folder, let the kind's
 * {@link MediaRenderer} make its files there, store them in S3 under the job's id, and hand back the renders row to
 * commit with the job's success. The scratch folder goes on every outcome.
 */
final class RenderJobHandler implements JobHandler {

  private static final Logger LOG = LoggerFactory.getLogger(RenderJobHandler.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

  private final AssetRepository assets;
  private final RenderInputs inputs;
  private final ObjectStorage storage;
  private final Map<JobKind, MediaRenderer> renderers;
  private final WorkerExecutor workers;
  private final ExecutorService watchdog;
  private final Path workDirectory;
  private final boolean keepWorkFolders;

  RenderJobHandler(AssetRepository assets, RenderInputs inputs, ObjectStorage storage,
                   Map<JobKind, MediaRenderer> renderers, WorkerExecutor workers, ExecutorService watchdog,
                   Path workDirectory, boolean keepWorkFolders) {
    this.assets = assets;
    this.inputs = inputs;
    this.storage = storage;
    this.renderers = renderers;
    this.workers = workers;
    this.watchdog = watchdog;
    this.workDirectory = workDirectory;
    this.keepWorkFolders = keepWorkFolders;
  }

  @Override
  public Future<ResultWriter> run(Job job, JobControl control) {
    MediaRenderer renderer = renderers.get(job.kind());
    if (renderer == null) {
      return Future.failedFuture(new JobFailedException(ErrorCode.INVALID_INPUT, "the render worker does not make "
          + job.kind().wireName() + " jobs"));
    }
    Path scratch = AttemptScratch.of(workDirectory, job);
    long[] marks = {System.nanoTime(), 0, 0};
    return assets.find(job.projectId(), job.assetId())
        .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new JobFailedException(ErrorCode.NOT_FOUND, "asset " + job.assetId() + " no longer exists"))))
        .compose(asset -> inputs.of(job).compose(uses -> workers.<Path>executeBlocking(() ->
                Files.createDirectories(scratch), false)
            .compose(dir -> storage.download(asset.storageKey(), dir.resolve("media")))
            .recover(e -> Future.failedFuture(e instanceof ObjectStorage.ObjectNotFoundException
                ? new JobFailedException(ErrorCode.NOT_FOUND, "the file of asset " + asset.id() + " is missing from storage")
                : e))
            .compose(media -> workers.executeBlocking(() -> {
              marks[1] = System.nanoTime();
              MediaRenderer.Input input = new MediaRenderer.Input(media, mediaInfo(asset, media), scratch,
                  job.params(), asset.filename(), uses.transcript(), uses.enrichment());
              try {
                return renderer.render(input, control);
              } catch (InvalidParamException invalid) {
                throw new JobFailedException(ErrorCode.INVALID_INPUT, invalid.getMessage());
              }
            }, false))
            .compose(outputs -> {
              marks[2] = System.nanoTime();
              return store(job, outputs);
            })
            .map(files -> {
              // Where a render's time goes: what the mesh adds (fetching, storing) beside what ffmpeg takes.
              LOG.info("job={} kind={} fetched its input in {} ms, rendered in {} ms, stored {} files in {} ms",
                  job.id(), job.kind().wireName(), (marks[1] - marks[0]) / 1_000_000,
                  (marks[2] - marks[1]) / 1_000_000, files.size(), (System.nanoTime() - marks[2]) / 1_000_000);
              RenderRepository.Render render = new RenderRepository.Render(job.id(), job.projectId(), asset.id(), files);
              return (ResultWriter) tx -> RenderRepository.upsert(tx, render);
            })))
        .eventually(() -> keepWorkFolders ? Future.succeededFuture() : workers.executeBlocking(() -> {
          AttemptScratch.delete(scratch);
          return null;
        }, false));
  }

  /** What the upload read of the file; a file stored before that is probed now. */
  private static MediaInfo mediaInfo(Asset asset, Path media) throws Exception {
    if (asset.media() != null) {
      return MediaInfo.fromJson(asset.media());
    }
    try {
      return new MediaProbe(PROBE_TIMEOUT).probe(media.toString());
    } catch (MediaProbe.UnreadableMediaException unreadable) {
      throw new JobFailedException(ErrorCode.CORRUPT_MEDIA, unreadable.getMessage());
    }
  }

  /** Puts the files in S3 under the job's id; the files object of the renders row. */
  private Future<JsonObject> store(Job job, List<MediaRenderer.Output> outputs) {
    JsonObject files = new JsonObject();
    Future<Void> stored = Future.succeededFuture();
    for (MediaRenderer.Output output : outputs) {
      String key = ObjectKeys.of(job.projectId(), ObjectKeys.Folder.RENDERS, job.id(), output.name());
      stored = stored.compose(ignored -> workers.executeBlocking(() -> Files.size(output.path()), false)
          .compose(size -> storage.putFile(key, output.path(), output.contentType()).map(size))
          .map(size -> {
            files.put(output.name(), new JsonObject().put("key", key).put("contentType", output.contentType())
                .put("sizeBytes", size));
            return null;
          }));
    }
    return stored.map(files);
  }

  @Override
  public Future<Void> close() {
    watchdog.shutdownNow();
    return workers.close();
  }
}
