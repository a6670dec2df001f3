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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transcription jobs, on the configured engine: Vosk in-process (its model loaded once, off the event loop) or an
 * OpenAI-compatible server.
 */
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
    // Decoding and scratch files block a thread each: a pool of their own, beside the recognisers.
    WorkerExecutor io = resources.vertx().createSharedWorkerExecutor("atelier-transcription-io",
        config.concurrency() + 1);
    FfmpegAudioDecoder decoder = new FfmpegAudioDecoder(config.ffmpegPath());
    AssetRepository assets = new AssetRepository(resources.pool());
    if (TranscriptionConfig.OPENAI_COMPATIBLE.equals(config.engine())) {
      SpeechEngine engine = new OpenAiCompatibleEngine(resources.vertx(), config.remote(), io);
      LOG.info("transcription engine: {} (model {})", engine, config.remote().model());
      return Future.succeededFuture(new TranscriptionJobHandler(assets, resources.storage(), engine, decoder, io,
          config));
    }
    // Recognition blocks a thread per chunk: the node's recogniser threads, which whole recordings and the chunks of
    // long ones share (a shared executor by name: one pool per node, whatever the number of worker instances).
    WorkerExecutor recognisers = resources.vertx().createSharedWorkerExecutor("atelier-transcription-recognisers",
        config.concurrency(), 10, java.util.concurrent.TimeUnit.MINUTES);
    long loading = System.nanoTime();
    return io.executeBlocking(() -> VoskSpeechEngine.load(VoskModelLocator.locate(config), recognisers), false)
        .<JobHandler>map(engine -> {
          LOG.info("vosk model loaded in {} ms; {} recogniser threads", (System.nanoTime() - loading) / 1_000_000,
              config.concurrency());
          return new TranscriptionJobHandler(assets, resources.storage(), engine, decoder, io, config);
        })
        .onFailure(e -> {
          recognisers.close();
          io.close();
        });
  }
}
