package io.atelier.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.jobs.JobControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Vosk engine with the bundled English model, on real speech. */
class VoskSpeechEngineTest {

  static VoskSpeechEngine engine;

  @BeforeAll
  static void loadModel() {
    TranscriptionConfig config = new TranscriptionConfig(1, Duration.ofSeconds(30), "ffmpeg", "",
        System.getProperty("java.io.tmpdir"));
    engine = VoskSpeechEngine.load(VoskModelLocator.locate(config), new FfmpegAudioDecoder("ffmpeg"));
  }

  @AfterAll
  static void closeModel() {
    engine.close();
  }

  @Test
  void aCancelledTranscriptionStops(@TempDir Path dir) throws Exception {
    Path wav = Files.copy(ExternalTools.speechClip(), dir.resolve("speech.wav"));
    JobControl control = JobControl.detached();
    cancel(control);
    assertThatThrownBy(() -> engine.transcribe(wav, dir, control)).isInstanceOf(CancellationException.class);
    assertThat(List.of(dir.toFile().list())).containsExactly("speech.wav");
  }

  private static void cancel(JobControl control) throws Exception {
    var request = JobControl.class.getDeclaredMethod("requestCancel");
    request.setAccessible(true);
    request.invoke(control);
  }
}
