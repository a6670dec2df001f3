package io.atelier.transcription;

import io.atelier.jobs.JobControl;
import io.atelier.transcripts.TimedWord;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.DoubleConsumer;

/** Turns speech into timed words, a chunk of a decoded recording at a time. */
interface SpeechEngine {

  /** What an engine heard in a chunk: its words, and its language's code if the engine tells (else null). */
  record Heard(List<TimedWord> words, String language) {
  }

  /** The name transcripts record and the API lists as a model. */
  String name();

  /**
   * What was heard in {@code chunk} of {@code audio}, timed from the chunk's start. {@code progress} hears how much
   * of the chunk is done (0 to 1). Fails with {@link java.util.concurrent.CancellationException} once {@code control}
   * is cancelled, and with a {@link io.atelier.jobs.JobFailedException} whose code says whether a retry may help.
   */
  Future<Heard> recognise(PcmAudio audio, SpeechChunks.Chunk chunk, TranscriptionRequest request,
                                    JobControl control, DoubleConsumer progress);

  Future<Void> close();
}
