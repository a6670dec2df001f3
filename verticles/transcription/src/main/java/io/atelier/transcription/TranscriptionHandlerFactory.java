package io.atelier.transcription;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Transcription jobs, run with Vosk in-process: the model is loaded once per worker, off the event loop. */
public final class TranscriptionHandlerFactory implements JobHandlerFactory {

  private static final Logger LOG = LoggerFactory.getLogger(TranscriptionHandlerFactory.class);

  @Override
  public JobKind kind() {
    return JobKind.TRANSCRIPTION;
  }

  @Override
  public WorkerConfig workerConfig(JsonObject config) {
    TranscriptionConfig transcription = TranscriptionConfig.from(config);
    return WorkerConfig.of(transcription.concurrency(), transcription.lease());
  }

  @Override
  public Future<JobHandler> create(WorkerResources resources) {
    TranscriptionConfig config = TranscriptionConfig.from(resources.config());
    // Recognition blocks a thread per job: a pool of its own, one more than the jobs run at once for housekeeping.
    WorkerExecutor recognisers = resources.vertx().createSharedWorkerExecutor("atelier-transcription",
        config.concurrency() + 1);
    FfmpegAudioDecoder decoder = new FfmpegAudioDecoder(config.ffmpegPath());
    long loading = System.nanoTime();
    return recognisers.executeBlocking(() -> VoskSpeechEngine.load(VoskModelLocator.locate(config), decoder), false)
        .<JobHandler>map(engine -> {
          LOG.info("vosk model loaded in {} ms", (System.nanoTime() - loading) / 1_000_000);
          return new TranscriptionJobHandler(new AssetRepository(resources.pool()), resources.storage(), engine,
              recognisers, Path.of(config.workDirectory()));
        })
        .onFailure(e -> recognisers.close());
  }
}
