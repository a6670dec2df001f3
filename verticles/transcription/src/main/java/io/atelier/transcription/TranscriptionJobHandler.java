package io.atelier.transcription;

import io.atelier.contracts.ErrorCode;
import io.atelier.database.Asset;
import io.atelier.database.AssetRepository;
import io.atelier.database.DocumentRepository;
import io.atelier.database.Transcript;
import io.atelier.database.TranscriptRepository;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.AttemptScratch;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobFailedException;
import io.atelier.jobs.JobHandler;
import io.atelier.storage.ObjectKeys;
import io.atelier.storage.ObjectStorage;
import io.atelier.transcripts.TranscriptDocuments;
import io.atelier.transcripts.TranscriptFormat;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A transcription job: fetch the asset from S3, decode and recognise it, store JSON/SRT/VTT/TXT renderings in S3
 * under the job's id, and hand back the transcript row to commit with the job's success.
 */
final class TranscriptionJobHandler implements JobHandler {

  private final AssetRepository assets;
  private final ObjectStorage storage;
  private final VoskSpeechEngine engine;
  private final WorkerExecutor recognisers;
  private final Path workDirectory;

  private static final YjsUpdates YJS = YjsUpdates.java();

  TranscriptionJobHandler(AssetRepository assets, ObjectStorage storage, VoskSpeechEngine engine,
                          WorkerExecutor recognisers, Path workDirectory) {
    this.assets = assets;
    this.storage = storage;
    this.engine = engine;
    this.recognisers = recognisers;
    this.workDirectory = workDirectory;
  }

  @Override
  public Future<ResultWriter> run(Job job, JobControl control) {
    Path scratch = AttemptScratch.of(workDirectory, job);
    return assets.find(job.projectId(), job.assetId())
        .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new JobFailedException(ErrorCode.NOT_FOUND, "asset " + job.assetId() + " no longer exists"))))
        .compose(asset -> recognisers.<Path>executeBlocking(() -> Files.createDirectories(scratch), false)
            .compose(dir -> storage.download(asset.storageKey(), dir.resolve("media")))
            .compose(media -> recognisers.executeBlocking(() -> engine.transcribe(media, scratch, control), false))
            .compose(speech -> store(job, asset, speech)))
        .eventually(() -> recognisers.executeBlocking(() -> {
          AttemptScratch.delete(scratch);
          return null;
        }, false));
  }

  @Override
  public Future<Void> close() {
    engine.close();
    return recognisers.close();
  }

  private Future<ResultWriter> store(Job job, Asset asset, RecognizedSpeech speech) {
    JsonArray words = new JsonArray();
    speech.words().forEach(w -> words.add(w.toJson()));
    JsonObject files = new JsonObject();
    for (TranscriptFormat format : TranscriptFormat.values()) {
      files.put(format.extension(), ObjectKeys.of(job.projectId(), ObjectKeys.Folder.TRANSCRIPTS, job.id(),
          "transcript." + format.extension()));
    }
    Transcript transcript = new Transcript(job.id(), job.projectId(), asset.id(), VoskSpeechEngine.NAME, "en",
        speech.durationSeconds(), speech.text(), words, files);
    return Future.all(Arrays.stream(TranscriptFormat.values())
            .map(format -> storage.putBytes(files.getString(format.extension()),
                format.render(transcript, false).getBytes(StandardCharsets.UTF_8), format.contentType()))
            .toList())
        // The transcript becomes a collaborative document in the same transaction (kept as edited if the job ran
        // before: seeding an existing document changes nothing).
        .map(ignored -> tx -> TranscriptRepository.upsert(tx, transcript)
            .compose(v -> DocumentRepository.seed(tx, job.projectId(), TranscriptDocuments.name(job.id()),
                TranscriptDocuments.seed(YJS, job.id(), speech.text())))
            .mapEmpty());
  }
}
