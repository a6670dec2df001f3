package io.atelier.render;

import io.atelier.contracts.JobKind;
import io.atelier.database.AssetRepository;
import io.atelier.jobs.JobHandler;
import io.atelier.jobs.JobHandlerFactory;
import io.atelier.jobs.WorkerConfig;
import io.atelier.jobs.WorkerResources;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** Render jobs, drawn by ffmpeg. */
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
    return Future.succeededFuture(new RenderJobHandler(new AssetRepository(resources.pool()), resources.storage(),
        new WaveformRenderer(config.ffmpegPath()), workers, Path.of(config.workDirectory())));
  }
}
