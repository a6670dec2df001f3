package io.atelier.render;

import io.atelier.contracts.ErrorCode;
import io.atelier.contracts.WaveformSpec;
import io.atelier.database.AssetRepository;
import io.atelier.database.RenderRepository;
import io.atelier.jobs.AttemptScratch;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import io.atelier.jobs.JobHandler;
import io.atelier.storage.ObjectKeys;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A render job: fetch the asset from S3, draw its waveform, store the PNG in S3 under the job's id, and hand back the
 * renders row to commit with the job's success.
 */
final class RenderJobHandler implements JobHandler {

  static final String WAVEFORM = "waveform.png";

  private final AssetRepository assets;
  private final ObjectStorage storage;
  private final WaveformRenderer renderer;
  private final WorkerExecutor workers;
  private final Path workDirectory;

  RenderJobHandler(AssetRepository assets, ObjectStorage storage, WaveformRenderer renderer, WorkerExecutor workers,
                   Path workDirectory) {
    this.assets = assets;
    this.storage = storage;
    this.renderer = renderer;
    this.workers = workers;
    this.workDirectory = workDirectory;
  }

  @Override
  public Future<ResultWriter> run(Job job, JobControl control) {
    WaveformSpec spec;
    try {
      spec = WaveformSpec.from(job.params());
    } catch (IllegalArgumentException invalid) {
      return Future.failedFuture(new JobFailedException(ErrorCode.INVALID_INPUT, invalid.getMessage()));
    }
    Path scratch = AttemptScratch.of(workDirectory, job);
    String key = ObjectKeys.of(job.projectId(), ObjectKeys.Folder.RENDERS, job.id(), WAVEFORM);
    return assets.find(job.projectId(), job.assetId())
        .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new JobFailedException(ErrorCode.NOT_FOUND, "asset " + job.assetId() + " no longer exists"))))
        .compose(asset -> workers.<Path>executeBlocking(() -> Files.createDirectories(scratch), false)
            .compose(dir -> storage.download(asset.storageKey(), dir.resolve("media")))
            .recover(e -> Future.failedFuture(e instanceof ObjectStorage.ObjectNotFoundException
                ? new JobFailedException(ErrorCode.NOT_FOUND, "the file of asset " + asset.id() + " is missing from storage")
                : e))
            .compose(media -> workers.executeBlocking(() -> renderer.render(media, scratch.resolve(WAVEFORM), spec,
                control), false))
            .compose(png -> workers.executeBlocking(() -> Files.size(png), false)
                .compose(size -> storage.putFile(key, png, "image/png").map(size)))
            .map(size -> {
              JsonObject files = new JsonObject().put(WAVEFORM, new JsonObject()
                  .put("key", key).put("contentType", "image/png").put("sizeBytes", size));
              RenderRepository.Render render = new RenderRepository.Render(job.id(), job.projectId(), asset.id(), files);
              return (ResultWriter) tx -> RenderRepository.upsert(tx, render);
            }))
        .eventually(() -> workers.executeBlocking(() -> {
          AttemptScratch.delete(scratch);
          return null;
        }, false));
  }

  @Override
  public Future<Void> close() {
    return workers.close();
  }
}
