package io.atelier.transcription;

import io.atelier.contracts.ErrorCode;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import io.atelier.transcripts.TimedWord;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

/**
 * Vosk speech recognition in-process. The model is loaded once per node and shared (Vosk models are thread-safe);
 * each chunk gets a recogniser of its own, on one of the node's recogniser threads, which whole recordings and chunks
 * of long ones share.
 */
final class VoskSpeechEngine implements SpeechEngine {

  static final String NAME = "vosk";
  /** A quarter of a second of 16 kHz 16-bit mono audio. */
  static final int CHUNK_BYTES = FfmpegAudioDecoder.SAMPLE_RATE / 2;
  /** The one language the model this module carries knows. */
  static final String LANGUAGE = "en";

  private final Model model;
  private final WorkerExecutor recognisers;

  private VoskSpeechEngine(Model model, WorkerExecutor recognisers) {
    this.model = model;
    this.recognisers = recognisers;
  }

  /** Loads the model; the engine recognises on {@code recognisers}, and closes them with itself. Blocking. */
  static VoskSpeechEngine load(Path modelFolder, WorkerExecutor recognisers) {
    LibVosk.setLogLevel(LogLevel.WARNINGS);
    try {
      return new VoskSpeechEngine(new Model(modelFolder.toString()), recognisers);
    } catch (IOException e) {
      throw new IllegalStateException("cannot load the Vosk model at " + modelFolder + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Heard> recognise(PcmAudio audio, SpeechChunks.Chunk chunk, TranscriptionRequest request,
                                           JobControl control, DoubleConsumer progress) {
    if (request.language() != null && !request.language().equals(LANGUAGE)) {
      return Future.failedFuture(new JobFailedException(ErrorCode.INVALID_INPUT, "the " + NAME
          + " engine recognises English only (language 'en'), not '" + request.language() + "'"));
    }
    return recognisers.executeBlocking(() -> new Heard(recogniseBlocking(audio, chunk, control, progress), LANGUAGE),
        false);
  }

  /** Recognises one chunk; stops, throwing CancellationException, once cancelled. */
  List<TimedWord> recogniseBlocking(PcmAudio audio, SpeechChunks.Chunk chunk, JobControl control,
                                    DoubleConsumer progress) throws IOException {
    control.throwIfCancelled();
    List<TimedWord> words = new ArrayList<>();
    try (Recognizer recognizer = new Recognizer(model, FfmpegAudioDecoder.SAMPLE_RATE);
         RandomAccessFile pcm = new RandomAccessFile(audio.file().toFile(), "r")) {
      recognizer.setWords(true);
      // Vosk's endpointing depends on how audio is chunked: fixed pieces keep I/O timing out of the result. (Vosk
      // itself may still differ between runs on ambiguous, low-confidence spans.)
      byte[] piece = new byte[CHUNK_BYTES];
      long length = chunk.to() - chunk.from();
      for (long done = 0; done < length; ) {
        control.throwIfCancelled();
        int n = PcmAudio.read(pcm, chunk.from() + done, piece, (int) Math.min(CHUNK_BYTES, length - done));
        if (n <= 0) {
          break;
        }
        if (recognizer.acceptWaveForm(piece, n)) {
          collect(recognizer.getResult(), words);
        }
        done += n;
        progress.accept(done / (double) length);
      }
      collect(recognizer.getFinalResult(), words);
      return words;
    }
  }

  private static void collect(String resultJson, List<TimedWord> words) {
    JsonArray result = new JsonObject(resultJson).getJsonArray("result");
    if (result == null) {
      return;
    }
    for (int i = 0; i < result.size(); i++) {
      JsonObject w = result.getJsonObject(i);
      words.add(new TimedWord(w.getString("word"), w.getDouble("start"), w.getDouble("end"), w.getDouble("conf", 1.0)));
    }
  }

  @Override
  public Future<Void> close() {
    return recognisers.close().eventually(() -> {
      model.close();
      return Future.succeededFuture();
    });
  }
}
