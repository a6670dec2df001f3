package io.atelier.transcription;

import io.atelier.jobs.JobControl;
import io.atelier.transcripts.TimedWord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

/**
 * Vosk speech recognition in-process. The model is loaded once and shared (Vosk models are thread-safe); each
 * recording gets a recogniser of its own. Every call blocks: run it on a worker thread.
 */
final class VoskSpeechEngine implements AutoCloseable {

  static final String NAME = "vosk";
  /** A quarter of a second of 16 kHz 16-bit mono audio. */
  static final int CHUNK_BYTES = FfmpegAudioDecoder.SAMPLE_RATE / 2;

  private final Model model;
  private final FfmpegAudioDecoder decoder;

  private VoskSpeechEngine(Model model, FfmpegAudioDecoder decoder) {
    this.model = model;
    this.decoder = decoder;
  }

  static VoskSpeechEngine load(Path modelFolder, FfmpegAudioDecoder decoder) {
    LibVosk.setLogLevel(LogLevel.WARNINGS);
    try {
      return new VoskSpeechEngine(new Model(modelFolder.toString()), decoder);
    } catch (IOException e) {
      throw new IllegalStateException("cannot load the Vosk model at " + modelFolder + ": " + e.getMessage(), e);
    }
  }

  /** Recognises the recording; stops (throwing CancellationException, which also ends ffmpeg) once cancelled. */
  RecognizedSpeech transcribe(Path media, Path scratch, JobControl control)
      throws IOException, InterruptedException {
    List<TimedWord> words = new ArrayList<>();
    try (Recognizer recognizer = new Recognizer(model, FfmpegAudioDecoder.SAMPLE_RATE)) {
      recognizer.setWords(true);
      double expectedBytes = decoder.probeDurationSeconds(media).orElse(0.0) * FfmpegAudioDecoder.SAMPLE_RATE * 2;
      // Vosk's endpointing depends on how audio is chunked: fixed chunks, whatever the pipe delivers, keep pipe
      // timing out of the result. (Vosk itself may still differ between runs on ambiguous, low-confidence spans.)
      byte[] chunk = new byte[CHUNK_BYTES];
      int[] filled = {0};
      long[] decoded = {0};
      long pcmBytes = decoder.decode(media, scratch, (buffer, length) -> {
        control.throwIfCancelled();
        decoded[0] += length;
        if (expectedBytes > 0) {
          control.reportProgress(Math.min(0.99, decoded[0] / expectedBytes), "recognising speech");
        }
        int offset = 0;
        while (offset < length) {
          int n = Math.min(length - offset, CHUNK_BYTES - filled[0]);
          System.arraycopy(buffer, offset, chunk, filled[0], n);
          filled[0] += n;
          offset += n;
          if (filled[0] == CHUNK_BYTES) {
            accept(recognizer, chunk, CHUNK_BYTES, words);
            filled[0] = 0;
          }
        }
      });
      if (filled[0] > 0) {
        accept(recognizer, chunk, filled[0], words);
      }
      collect(recognizer.getFinalResult(), words);
      return new RecognizedSpeech(words, pcmBytes / 2.0 / FfmpegAudioDecoder.SAMPLE_RATE);
    }
  }

  private static void accept(Recognizer recognizer, byte[] pcm, int length, List<TimedWord> words) {
    if (recognizer.acceptWaveForm(pcm, length)) {
      collect(recognizer.getResult(), words);
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
  public void close() {
    model.close();
  }
}
