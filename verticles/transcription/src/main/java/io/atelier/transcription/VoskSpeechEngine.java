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
 * chunks run on the node's recogniser threads, which whole recordings and chunks of long ones share, each thread with
 * a recogniser it keeps ({@link ThreadRecogniser}).
 */
final class VoskSpeechEngine implements SpeechEngine {

  static final String NAME = "vosk";
  /** A quarter of a second of 16 kHz 16-bit mono audio. */
  static final int CHUNK_BYTES = FfmpegAudioDecoder.SAMPLE_RATE / 2;
  /** The one language the model this module carries knows. */
  static final String LANGUAGE = "en";

  /** A recogniser is replaced after this much audio, before its float timestamps lose millisecond precision. */
  static final double RECYCLE_AFTER_SECONDS = 3600;

  private final Model model;
  private final WorkerExecutor recognisers;
  private final java.util.Set<ThreadRecogniser> all = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final ThreadLocal<ThreadRecogniser> threadRecogniser = ThreadLocal.withInitial(this::newThreadRecogniser);

  /**
   * The recogniser a recogniser thread keeps. Vosk composes the small model's decoding graph lazily and caches it in
   * the recogniser, so a fresh one decodes its first seconds four to five times slower; kept, it starts each chunk as
   * a new recording all the same (after a final result, Vosk starts a new feature pipeline: no speaker adaptation is
   * carried from one chunk to the next), timed on from where the last one ended.
   */
  private final class ThreadRecogniser {
    final Recognizer recognizer;
    long samples;

    ThreadRecogniser(Recognizer recognizer) {
      this.recognizer = recognizer;
    }

    double secondsHeard() {
      return samples / (double) FfmpegAudioDecoder.SAMPLE_RATE;
    }

    void close() {
      all.remove(this);
      recognizer.close();
    }
  }

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
    ThreadRecogniser recogniser = threadRecogniser.get();
    if (recogniser.secondsHeard() > RECYCLE_AFTER_SECONDS) {
      recogniser.close();
      recogniser = newThreadRecogniser();
      threadRecogniser.set(recogniser);
    }
    double offset = recogniser.secondsHeard();
    List<TimedWord> words = new ArrayList<>();
    boolean finalised = false;
    try (RandomAccessFile pcm = new RandomAccessFile(audio.file().toFile(), "r")) {
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
        recogniser.samples += n / 2;
        if (recogniser.recognizer.acceptWaveForm(piece, n)) {
          collect(recogniser.recognizer.getResult(), offset, words);
        }
        done += n;
        progress.accept(done / (double) length);
      }
      collect(recogniser.recognizer.getFinalResult(), offset, words);
      finalised = true;
      return words;
    } finally {
      if (!finalised) {
        // The next chunk this recogniser takes must start a new utterance, not go on with this one.
        recogniser.recognizer.getFinalResult();
      }
    }
  }

  private ThreadRecogniser newThreadRecogniser() {
    Recognizer recognizer;
    try {
      recognizer = new Recognizer(model, FfmpegAudioDecoder.SAMPLE_RATE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot make a Vosk recogniser", e);
    }
    recognizer.setWords(true);
    ThreadRecogniser created = new ThreadRecogniser(recognizer);
    all.add(created);
    return created;
  }

  /** Adds a result's words, timed from the chunk's start: Vosk times them from its recogniser's first sample. */
  private static void collect(String resultJson, double offset, List<TimedWord> words) {
    JsonArray result = new JsonObject(resultJson).getJsonArray("result");
    if (result == null) {
      return;
    }
    for (int i = 0; i < result.size(); i++) {
      JsonObject w = result.getJsonObject(i);
      double start = Math.max(0, w.getDouble("start") - offset);
      double end = Math.max(start, w.getDouble("end") - offset);
      words.add(new TimedWord(w.getString("word"), start, end, w.getDouble("conf", 1.0)));
    }
  }

  @Override
  public Future<Void> close() {
    return recognisers.close().eventually(() -> {
      // The recogniser threads have ended: nothing uses the recognisers any more.
      List.copyOf(all).forEach(ThreadRecogniser::close);
      model.close();
      return Future.succeededFuture();
    });
  }
}
