package io.atelier.render;

import io.atelier.contracts.JobKind;
import io.atelier.database.AssetRepository;
import io.atelier.database.DocumentRepository;
import io.atelier.database.EnrichmentRepository;
import io.atelier.database.TranscriptRepository;
import io.atelier.jobs.JobHandler;
import io.atelier.jobs.JobHandlerFactory;
import io.atelier.jobs.PipelineRepository;
import io.atelier.jobs.WorkerConfig;
import io.atelier.jobs.WorkerResources;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Render jobs of every kind, drawn by ffmpeg. The render kinds share one queue ({@link JobKind#sharingQueue()}), so
 * this worker's concurrency is the number of ffmpeg processes it runs, whatever their kinds.
 */
public final class RenderHandlerFactory implements JobHandlerFactory {

  @Override
  public JobKind kind() {
    return JobKind.RENDER;
  }

  @Override
  public WorkerConfig workerConfig(JsonObject config) {
    RenderConfig render = RenderConfig.from(config);
    return WorkerConfig.of(render.concurrency(), render.lease());
  }

  @Override
  public Future<JobHandler> create(WorkerResources resources) {
    RenderConfig config = RenderConfig.from(resources.config());
    WorkerExecutor workers = resources.vertx().createSharedWorkerExecutor("atelier-render", config.concurrency() + 1);
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "atelier-ffmpeg-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    Ffmpeg ffmpeg = new Ffmpeg(config.ffmpegPath(), config.timeouts(), watchdog);
    Transcode transcode = new Transcode(ffmpeg);
    Thumbnail thumbnail = new Thumbnail(ffmpeg);
    Peaks peaks = new Peaks(ffmpeg);
    Map<JobKind, MediaRenderer> renderers = Map.of(
        JobKind.RENDER, new WaveformImage(ffmpeg),
        JobKind.THUMBNAIL, thumbnail,
        JobKind.PEAKS, peaks,
        JobKind.TRANSCODE, transcode,
        JobKind.SUBTITLED_VIDEO, new SubtitledVideo(ffmpeg),
        JobKind.AUDIOGRAM, new Audiogram(ffmpeg),
        JobKind.EXPORT_KIT, new ExportKit(transcode, thumbnail, peaks));
    Pool pool = resources.pool();
    RenderInputs inputs = new RenderInputs(resources.vertx(), new PipelineRepository(pool),
        new TranscriptRepository(pool), new DocumentRepository(pool), new EnrichmentRepository(pool));
    return Future.succeededFuture(new RenderJobHandler(new AssetRepository(pool), inputs, resources.storage(),
        renderers, workers, watchdog, Path.of(config.workDirectory()), config.keepWorkFolders()));
  }
}
