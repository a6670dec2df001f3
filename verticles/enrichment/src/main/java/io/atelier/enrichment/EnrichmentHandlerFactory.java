package io.atelier.enrichment;

import io.atelier.contracts.JobKind;
import io.atelier.database.DocumentRepository;
import io.atelier.database.TranscriptRepository;
import io.atelier.jobs.JobHandler;
import io.atelier.jobs.JobHandlerFactory;
import io.atelier.jobs.PipelineRepository;
import io.atelier.jobs.WorkerConfig;
import io.atelier.jobs.WorkerResources;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;

/** Enrichment jobs: keywords, summary and chapters of a transcript. */
public final class EnrichmentHandlerFactory implements JobHandlerFactory {

  @Override
  public JobKind kind() {
    return JobKind.ENRICHMENT;
  }

  @Override
  public WorkerConfig workerConfig(JsonObject config) {
    EnrichmentConfig enrichment = EnrichmentConfig.from(config);
    return WorkerConfig.of(enrichment.concurrency(), enrichment.lease());
  }

  @Override
  public Future<JobHandler> create(WorkerResources resources) {
    EnrichmentConfig config = EnrichmentConfig.from(resources.config());
    // The analysis is CPU work on whole transcripts: off the event loop.
    WorkerExecutor workers = resources.vertx().createSharedWorkerExecutor("atelier-enrichment", config.concurrency());
    return Future.succeededFuture(new EnrichmentJobHandler(resources.vertx(),
        new TranscriptRepository(resources.pool()), new DocumentRepository(resources.pool()),
        new PipelineRepository(resources.pool()), workers));
  }
}
