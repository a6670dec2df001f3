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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transcription job: fetch the asset from S3, decode it to 16 kHz mono PCM, split a long recording into chunks at
 * silences and recognise them in parallel, store JSON/SRT/VTT/TXT renderings in S3 under the job's id, and hand back
 * the transcript row to commit with the job's success.
 */
final class TranscriptionJobHandler implements JobHandler {

  private final AssetRepository assets;
  private final ObjectStorage storage;
  private final SpeechEngine engine;
  private final FfmpegAudioDecoder decoder;
  private final WorkerExecutor io;
  private final TranscriptionConfig config;

  private static final YjsUpdates YJS = YjsUpdates.java();
  private static final Logger LOG = LoggerFactory.getLogger(TranscriptionJobHandler.class);

  /** {@code io} runs the blocking steps that are not recognition: scratch files and decoding. */
  TranscriptionJobHandler(AssetRepository assets, ObjectStorage storage, SpeechEngine engine,
                          FfmpegAudioDecoder decoder, WorkerExecutor io, TranscriptionConfig config) {
    this.assets = assets;
    this.storage = storage;
    this.engine = engine;
    this.decoder = decoder;
    this.io = io;
    this.config = config;
  }

  @Override
  public Future<ResultWriter> run(Job job, JobControl control) {
    Path scratch = AttemptScratch.of(Path.of(config.workDirectory()), job);
    TranscriptionRequest request;
    try {
      request = TranscriptionRequest.of(job.params());
    } catch (IllegalArgumentException invalid) {
      return Future.failedFuture(new JobFailedException(ErrorCode.INVALID_INPUT, invalid.getMessage()));
    }
    return assets.find(job.projectId(), job.assetId())
        .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new JobFailedException(ErrorCode.NOT_FOUND, "asset " + job.assetId() + " no longer exists"))))
        .compose(asset -> io.<Path>executeBlocking(() -> Files.createDirectories(scratch), false)
            .compose(dir -> storage.download(asset.storageKey(), dir.resolve("media")))
            // The plan sorts the recording's frame loudness (a million frames for three hours): off the event loop.
            .compose(media -> io.executeBlocking(() -> {
              PcmAudio decoded = decode(media, scratch, control);
              return new Planned(decoded, SpeechChunks.plan(decoded, config.splitAboveSeconds(), config.chunkSeconds(),
                  config.concurrency()));
            }, false))
            .compose(planned -> {
              PcmAudio audio = planned.audio();
              List<SpeechChunks.Chunk> chunks = planned.chunks();
              if (chunks.size() > 1) {
                LOG.info("job={} recording of {} s split into {} chunks", job.id(),
                    String.format(java.util.Locale.ROOT, "%.1f", audio.seconds()), chunks.size());
              }
              return ChunkedTranscription.run(engine, audio, chunks, config.concurrency(), request, control)
                  .map(heard -> new RecognizedSpeech(heard.words(), audio.seconds(),
                      heard.language() == null ? request.language() : heard.language()));
            })
            .compose(speech -> store(job, asset, speech)))
        .eventually(() -> io.executeBlocking(() -> {
          AttemptScratch.delete(scratch);
          return null;
        }, false));
  }

  /** A decoded recording and the chunks it is recognised in. */
  private record Planned(PcmAudio audio, List<SpeechChunks.Chunk> chunks) {
  }

  private PcmAudio decode(Path media, Path scratch, JobControl control) throws Exception {
    try (PcmAudio.Writer pcm = new PcmAudio.Writer(scratch.resolve("audio.pcm"))) {
      decoder.decode(media, scratch, (buffer, length) -> {
        control.throwIfCancelled();
        pcm.accept(buffer, length);
      });
      return pcm.finish();
    }
  }

  @Override
  public Future<Void> close() {
    return engine.close().eventually(io::close);
  }

  private Future<ResultWriter> store(Job job, Asset asset, RecognizedSpeech speech) {
    JsonArray words = new JsonArray();
    speech.words().forEach(w -> words.add(w.toJson()));
    JsonObject files = new JsonObject();
    for (TranscriptFormat format : TranscriptFormat.values()) {
      files.put(format.extension(), ObjectKeys.of(job.projectId(), ObjectKeys.Folder.TRANSCRIPTS, job.id(),
          "transcript." + format.extension()));
    }
    Transcript transcript = new Transcript(job.id(), job.projectId(), asset.id(), engine.name(),
        speech.language() == null ? "und" : speech.language(),
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
