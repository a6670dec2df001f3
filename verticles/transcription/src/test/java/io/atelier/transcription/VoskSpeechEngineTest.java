package io.atelier.transcription;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.jobs.JobControl;
import io.atelier.transcripts.TimedWord;
import io.atelier.transcripts.WordErrorRate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vosk engine with the bundled English model on real speech (the LibriVox clips of Debian's pocketsphinx-testdata),
 * whole and split into chunks recognised in parallel.
 */
class VoskSpeechEngineTest {

  static Vertx vertx;
  static WorkerExecutor recognisers;
  static VoskSpeechEngine engine;

  @BeforeAll
  static void loadModel() {
    vertx = Vertx.vertx();
    recognisers = vertx.createSharedWorkerExecutor("test-recognisers", 2);
    TranscriptionConfig config = TranscriptionConfig.from(new io.vertx.core.json.JsonObject());
    engine = VoskSpeechEngine.load(VoskModelLocator.locate(config), recognisers);
  }

  @AfterAll
  static void closeModel() {
    await(engine.close());
    await(vertx.close());
  }

  @Test
  void chunksSplitAtSilencesLoseAndDoubleNoWord(@TempDir Path dir) throws Exception {
    PcmAudio audio = decode(longRecording(dir, 3), dir);
    List<SpeechChunks.Chunk> whole = SpeechChunks.plan(audio, 1e9, 30, 2);
    List<SpeechChunks.Chunk> chunks = SpeechChunks.plan(audio, 10, 10, 2);
    assertThat(whole).hasSize(1);
    assertThat(chunks.size()).isGreaterThanOrEqualTo(8).matches(n -> n % 2 == 0, "a multiple of the recognisers");

    List<TimedWord> unsplit = transcribe(audio, whole, JobControl.detached()).words();
    List<TimedWord> split = transcribe(audio, chunks, JobControl.detached()).words();

    assertThat(unsplit).hasSizeGreaterThan(150);
    for (SpeechChunks.Chunk chunk : chunks.subList(1, chunks.size())) {
      double cut = chunk.startSeconds();
      // A cut falls between words (Vosk's word ends are estimates: they may reach a few frames into the pause).
      assertThat(unsplit).as("words across the cut at %.2f s", cut)
          .noneMatch(w -> w.start() < cut - 0.05 && w.end() > cut + 0.05);
    }
    // Each chunk has a recogniser of its own, whose speaker adaptation starts afresh: a word here and there may come
    // out otherwise, anywhere in the recording. Words are neither lost nor doubled, and no more are wrong.
    List<String> reference = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      reference.addAll(referenceWords());
    }
    int unsplitErrors = WordErrorRate.errors(reference, words(unsplit));
    int splitErrors = WordErrorRate.errors(reference, words(split));
    System.out.printf("word errors in %d reference words: %d unsplit, %d in %d chunks%n", reference.size(),
        unsplitErrors, splitErrors, chunks.size());
    assertThat(split.size()).isCloseTo(unsplit.size(), org.assertj.core.data.Offset.offset(2));
    assertThat(splitErrors).isLessThanOrEqualTo(unsplitErrors + 3);
    assertThat(split).isSortedAccordingTo(java.util.Comparator.comparingDouble(TimedWord::start));
  }

  private static List<String> words(List<TimedWord> words) {
    return words.stream().map(TimedWord::word).toList();
  }

  /** The clips' reference transcripts, in the order {@link #longRecording} plays them. */
  static List<String> referenceWords() throws Exception {
    java.util.Map<String, String> byClip = new java.util.TreeMap<>();
    java.util.regex.Pattern line = java.util.regex.Pattern.compile("<s>(.*)</s>\\s*\\((.+)\\)");
    for (String text : java.nio.file.Files.readAllLines(ExternalTools.LIBRIVOX.resolve("transcription"))) {
      java.util.regex.Matcher m = line.matcher(text.trim());
      if (m.matches()) {
        byClip.put(m.group(2), m.group(1).trim());
      }
    }
    List<String> words = new ArrayList<>();
    byClip.values().forEach(t -> words.addAll(List.of(t.split("\\s+"))));
    return words;
  }

  /** A recogniser thread keeps its recogniser: what it heard before changes neither the words nor their times. */
  @Test
  void aRecordingComesOutTheSameWhateverItsRecogniserHeardBefore(@TempDir Path dir) throws Exception {
    PcmAudio clip = decode(ExternalTools.speechClip(), dir);
    List<SpeechChunks.Chunk> whole = SpeechChunks.plan(clip, 60, 30, 1);
    List<TimedWord> first = transcribe(clip, whole, JobControl.detached()).words();
    PcmAudio other = decode(longRecording(dir, 1), dir);
    for (int i = 0; i < 4; i++) {
      transcribe(other, SpeechChunks.plan(other, 1e9, 30, 1), JobControl.detached());
    }
    List<TimedWord> again = transcribe(clip, whole, JobControl.detached()).words();
    assertThat(words(again)).isEqualTo(words(first));
    for (int i = 0; i < first.size(); i++) {
      assertThat(again.get(i).start()).isCloseTo(first.get(i).start(), org.assertj.core.data.Offset.offset(0.002));
      assertThat(again.get(i).end()).isCloseTo(first.get(i).end(), org.assertj.core.data.Offset.offset(0.002));
    }
  }

  @Test
  void progressCountsTheChunksDone(@TempDir Path dir) throws Exception {
    PcmAudio audio = decode(longRecording(dir, 2), dir);
    List<SpeechChunks.Chunk> chunks = SpeechChunks.plan(audio, 10, 10, 2);
    List<String> steps = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Double> fractions = java.util.Collections.synchronizedList(new ArrayList<>());
    transcribe(audio, chunks, JobControl.standalone((fraction, step) -> {
      fractions.add(fraction);
      steps.add(step);
    }));
    assertThat(steps).isNotEmpty().allMatch(s -> s.matches("recognising speech: \\d+ of " + chunks.size()
        + " chunks done"));
    assertThat(fractions).isSorted().allMatch(f -> f > 0 && f < 1);
  }

  @Test
  void aCancelledTranscriptionStopsEveryChunk(@TempDir Path dir) throws Exception {
    PcmAudio audio = decode(longRecording(dir, 3), dir);
    List<SpeechChunks.Chunk> chunks = SpeechChunks.plan(audio, 10, 10, 2);
    JobControl control = JobControl.standalone((fraction, step) -> { });
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long started = System.nanoTime();
    Future<SpeechEngine.Heard> running = ChunkedTranscription.run(engine, audio, chunks, 2,
        new TranscriptionRequest(null, null, null), control);
    vertx.setTimer(300, t -> control.requestCancel());
    running.toCompletionStage().toCompletableFuture().handle((ok, e) -> {
      failure.set(e);
      return null;
    }).get(60, TimeUnit.SECONDS);
    assertThat(failure.get()).isInstanceOf(CancellationException.class);
    // Far less than recognising the whole (some 6 s on one thread here).
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aLanguageTheModelDoesNotKnowIsRefused(@TempDir Path dir) throws Exception {
    PcmAudio audio = decode(ExternalTools.speechClip(), dir);
    Throwable refused = engine.recognise(audio, SpeechChunks.plan(audio, 60, 30, 1).get(0),
        new TranscriptionRequest("fr", null, null), JobControl.detached(), f -> { })
        .toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(io.atelier.jobs.JobFailedException.class).hasMessageContaining("'fr'");
  }

  private static SpeechEngine.Heard transcribe(PcmAudio audio, List<SpeechChunks.Chunk> chunks, JobControl control) {
    return await(ChunkedTranscription.run(engine, audio, chunks, 2, new TranscriptionRequest(null, null, null),
        control));
  }

  /** The LibriVox clips {@code rounds} times over (about 25 s a round). */
  static Path longRecording(Path dir, int rounds) throws Exception {
    List<String> command = new ArrayList<>(List.of("sox"));
    for (int round = 0; round < rounds; round++) {
      try (var clips = java.nio.file.Files.list(ExternalTools.LIBRIVOX)) {
        clips.filter(p -> p.toString().endsWith(".wav")).sorted().forEach(p -> command.add(p.toString()));
      }
    }
    Path out = dir.resolve("long-" + rounds + ".wav");
    command.add(out.toString());
    ExternalTools.run(command.toArray(String[]::new));
    return out;
  }

  static PcmAudio decode(Path media, Path dir) throws Exception {
    try (PcmAudio.Writer pcm = new PcmAudio.Writer(dir.resolve(media.getFileName() + ".pcm"))) {
      new FfmpegAudioDecoder("ffmpeg").decode(media, dir, pcm);
      return pcm.finish();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
