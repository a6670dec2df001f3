package io.atelier.transcription;

import io.atelier.jobs.JobControl;
import io.atelier.transcripts.TimedWord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * Recognises a recording's chunks, at most {@code parallelism} at once, and stitches their words in order on the
 * recording's clock. Progress is the share of the recording's audio recognised, with the chunks done out of all; the
 * language is the first chunk's that names one. The first chunk that fails fails the whole, and the others stop (they are cancelled through the job's control).
 * Callbacks run on the context that called {@link #run}.
 */
final class ChunkedTranscription {

  private final SpeechEngine engine;
  private final PcmAudio audio;
  private final List<SpeechChunks.Chunk> chunks;
  private final int parallelism;
  private final TranscriptionRequest request;
  private final JobControl control;
  private final List<List<TimedWord>> results;
  private final String[] languages;
  private final double[] chunkProgress;
  private final Promise<SpeechEngine.Heard> done = Promise.promise();
  private int next;
  private int running;
  private int finished;
  private Throwable failure;

  private ChunkedTranscription(SpeechEngine engine, PcmAudio audio, List<SpeechChunks.Chunk> chunks, int parallelism,
                               TranscriptionRequest request, JobControl control) {
    this.engine = engine;
    this.audio = audio;
    this.chunks = chunks;
    this.parallelism = Math.max(1, parallelism);
    this.request = request;
    // A failed chunk cancels its siblings, and only them: the job's own control stays as its worker set it.
    this.control = control.part(0, 1);
    this.results = new ArrayList<>(java.util.Collections.nCopies(chunks.size(), null));
    this.chunkProgress = new double[chunks.size()];
    this.languages = new String[chunks.size()];
  }

  static Future<SpeechEngine.Heard> run(SpeechEngine engine, PcmAudio audio, List<SpeechChunks.Chunk> chunks,
                                     int parallelism, TranscriptionRequest request, JobControl control) {
    ChunkedTranscription transcription = new ChunkedTranscription(engine, audio, chunks, parallelism, request, control);
    transcription.launch();
    return transcription.done.future();
  }

  private void launch() {
    while (running < parallelism && next < chunks.size() && failure == null) {
      SpeechChunks.Chunk chunk = chunks.get(next++);
      running++;
      engine.recognise(audio, chunk, request, control, fraction -> progress(chunk, fraction))
          .onComplete(result -> {
            running--;
            if (result.failed()) {
              // The first failure is the cause (the siblings then fail by this cancellation); the whole fails once
              // every chunk has stopped, so none still reads the audio when the job's scratch files go.
              if (failure == null) {
                failure = result.cause();
                control.requestCancel();
              }
              if (running == 0) {
                done.fail(failure);
              }
              return;
            }
            results.set(chunk.index(), onRecordingClock(chunk, result.result().words()));
            languages[chunk.index()] = result.result().language();
            finished++;
            if (failure != null) {
              if (running == 0) {
                done.fail(failure);
              }
            } else if (finished == chunks.size()) {
              List<TimedWord> words = new ArrayList<>();
              results.forEach(words::addAll);
              String language = java.util.Arrays.stream(languages).filter(java.util.Objects::nonNull).findFirst()
                  .orElse(null);
              done.tryComplete(new SpeechEngine.Heard(words, language));
            } else {
              launch();
            }
          });
    }
  }

  private synchronized void progress(SpeechChunks.Chunk chunk, double fraction) {
    chunkProgress[chunk.index()] = fraction;
    double recognised = 0;
    int complete = 0;
    for (SpeechChunks.Chunk c : chunks) {
      recognised += chunkProgress[c.index()] * (c.to() - c.from());
      complete += chunkProgress[c.index()] >= 1 ? 1 : 0;
    }
    double share = audio.bytes() == 0 ? 1 : recognised / audio.bytes();
    control.reportProgress(Math.min(0.99, share), chunks.size() == 1 ? "recognising speech"
        : "recognising speech: " + complete + " of " + chunks.size() + " chunks done");
  }

  private static List<TimedWord> onRecordingClock(SpeechChunks.Chunk chunk, List<TimedWord> words) {
    double offset = chunk.startSeconds();
    List<TimedWord> shifted = new ArrayList<>(words.size());
    for (TimedWord w : words) {
      shifted.add(new TimedWord(w.word(), millis(w.start() + offset), millis(w.end() + offset), w.confidence()));
    }
    return shifted;
  }

  private static double millis(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
