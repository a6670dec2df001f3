package io.atelier.contracts.transcription;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The speech engines a transcription worker can run, by the names transcripts record and the OpenAI-compatible
 * endpoint lists as models. A mesh runs one engine, set by {@code transcription.engine}; {@code whisper-1}, the name
 * OpenAI's SDKs and tools send by default, means that engine.
 */
public final class TranscriptionEngines {

  /** Vosk in-process, with the English model the transcription module carries. */
  public static final String VOSK = "vosk";
  /** A server speaking OpenAI's {@code /audio/transcriptions} (OpenAI, whisper.cpp, faster-whisper, Atelier). */
  public static final String OPENAI_COMPATIBLE = "openai-compatible";
  /** OpenAI's model name, accepted for the configured engine. */
  public static final String WHISPER_1 = "whisper-1";
  public static final List<String> ENGINES = List.of(VOSK, OPENAI_COMPATIBLE);

  private TranscriptionEngines() {
  }

  /** The engine the mesh's configuration names ({@code transcription.engine}, default {@value #VOSK}). */
  public static String configured(JsonObject meshConfig) {
    return meshConfig.getJsonObject("transcription", new JsonObject()).getString("engine", VOSK);
  }
}
