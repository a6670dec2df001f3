package io.atelier.launcher;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.FreePorts;
import io.atelier.transcription.TranscriptionConfig;
import io.atelier.transcription.VoskModelLocator;
import io.atelier.transcripts.WordErrorRate;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.sqlclient.Pool;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sound.sampled.AudioSystem;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Speech recognition through the mesh against the same Vosk model run bare: WER and wall time on Debian's LibriVox
 * clips and on a recording of several minutes made of them.
 */
@Command(name = "asr", mixinStandardHelpOptions = true,
    description = {"The LibriVox clips of Debian's pocketsphinx-testdata and a long recording made of them, through "
        + "(a) the Vosk model in a bare Java loop, (b) the mesh with one recogniser thread, (c) the mesh with two "
        + "threads and chunking: WER and wall time side by side, in one run."})
final class AsrBenchmark implements Callable<Integer> {

  /** (a), (b), (c) as the issue of record names them, and (a'): (a) keeping its recogniser, as the mesh does. */
  private static final int PEERS = 4;
  static final Path LIBRIVOX = Path.of("/usr/share/pocketsphinx/test/data/librivox");

  @Option(names = "--long-rounds", defaultValue = "8",
      description = "How many times the clips are played in the long recording (default: ${DEFAULT-VALUE}, some 198 s).")
  int longRounds;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Measured runs of the long recording per peer, in turns (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--threads", defaultValue = "2", description = "Recogniser threads of peer (c) (default: ${DEFAULT-VALUE}).")
  int threads;

  record Clip(Path wav, List<String> reference) {
  }

  /** What a peer heard in a file and how long it took. */
  record Heard(String text, double seconds) {
  }

  /** A peer: transcribes a file, or several at once. */
  interface Peer extends AutoCloseable {
    Heard transcribe(Path wav) throws Exception;

    /** Wall time for all of {@code wavs} given at once. */
    double transcribeAtOnce(List<Path> wavs) throws Exception;

    @Override
    default void close() {
    }
  }

  @Override
  public Integer call() throws Exception {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.atelier"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.hazelcast"))
        .setLevel(ch.qos.logback.classic.Level.ERROR);
    List<Clip> clips = clips();
    Path work = Files.createTempDirectory("atelier-bench-asr-");
    Path longRecording = work.resolve("long.wav");
    List<String> sox = new ArrayList<>(List.of("sox"));
    List<String> longReference = new ArrayList<>();
    for (int i = 0; i < longRounds; i++) {
      clips.forEach(c -> sox.add(c.wav().toString()));
      clips.forEach(c -> longReference.addAll(c.reference()));
    }
    sox.add(longRecording.toString());
    Process made = new ProcessBuilder(sox).inheritIO().start();
    if (made.waitFor() != 0) {
      throw new IllegalStateException("sox could not make the long recording (apt-get install sox)");
    }
    double longSeconds = seconds(longRecording);
    double clipSeconds = 0;
    int clipWords = 0;
    for (Clip clip : clips) {
      clipSeconds += seconds(clip.wav());
      clipWords += clip.reference().size();
    }
    System.out.printf(Locale.ROOT, "bench asr: %d LibriVox clips (%.1f s, %d words) and a %.1f s recording of them %d"
            + " times over (%d words); %d rounds of the long recording per peer; %d cores%n", clips.size(), clipSeconds,
        clipWords, longSeconds, longRounds, longReference.size(), rounds, Runtime.getRuntime().availableProcessors());

    String[] names = {"(a) bare Vosk loop, 1 thread", "(b) mesh, 1 recogniser thread",
        "(c) mesh, " + threads + " threads + chunking", "(a') bare loop, recogniser kept across files"};
    Result[] results = new Result[PEERS];
    EmbeddedServices services = EmbeddedServices.startTemporary("atelier-bench-asr-");
    try (BareVosk bare = new BareVosk(work, false); BareVosk kept = new BareVosk(work, true)) {
      Mesh mesh = new Mesh(services, work);
      // Every peer first transcribes the long recording untimed (compilers, page cache); then the measured runs take
      // turns: a b c a', b c a' a, ... A mesh peer is a node started for its turn (two nodes on the same database
      // would share the queue) that has served one job before the measured ones: a deployed node serves job after
      // job, and each recogniser thread's first pass over the model's graph is what it pays once, not per job.
      for (int peer = 0; peer < PEERS; peer++) {
        results[peer] = new Result();
      }
      for (int round = -1; round < rounds; round++) {
        for (int k = 0; k < PEERS; k++) {
          int peer = Math.floorMod(round + k, PEERS);
          try (Peer p = peer == 0 ? bare : peer == 3 ? kept : mesh.node(peer == 1 ? 1 : threads)) {
            if (round < 0 || peer == 1 || peer == 2) {
              p.transcribe(longRecording);
            }
            if (round < 0) {
              continue;
            }
            if (round == 0) {
              results[peer].clips(clips, p);
              results[peer].twoAtOnce = p.transcribeAtOnce(List.of(longRecording, longRecording));
            }
            Heard heard = p.transcribe(longRecording);
            results[peer].longSeconds.add(heard.seconds());
            results[peer].longErrors = WordErrorRate.errors(longReference, WordErrorRate.words(heard.text()));
          }
          System.out.printf(Locale.ROOT, "  round %d: %s done%n", round + 1, names[peer]);
        }
      }
      mesh.close();
    } finally {
      services.close();
    }
    print(names, results, clipWords, longReference.size(), longSeconds);
    return 0;
  }

  /** One peer's figures. */
  static final class Result {
    int clipErrors;
    double clipSeconds;
    int longErrors;
    double twoAtOnce;
    final List<Double> longSeconds = new ArrayList<>();

    void clips(List<Clip> clips, Peer peer) throws Exception {
      for (Clip clip : clips) {
        Heard heard = peer.transcribe(clip.wav());
        clipErrors += WordErrorRate.errors(clip.reference(), WordErrorRate.words(heard.text()));
        clipSeconds += heard.seconds();
      }
    }

    double median() {
      double[] sorted = longSeconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
          : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
  }

  private void print(String[] names, Result[] results, int clipWords, int longWords, double longSeconds) {
    System.out.println();
    System.out.printf(Locale.ROOT, "| peer | clips: WER | clips: s | long: WER | long: s, median (rounds) | long vs (a) "
        + "| 2 long at once: s |%n|---|---|---|---|---|---|---|%n");
    double bare = results[0].median();
    for (int i = 0; i < PEERS; i++) {
      Result r = results[i];
      System.out.printf(Locale.ROOT, "| %s | %d/%d (%.1f %%) | %.2f | %d/%d (%.1f %%) | %.2f (%s) | %.3f× time | %.2f |%n",
          names[i], r.clipErrors, clipWords, 100.0 * r.clipErrors / clipWords, r.clipSeconds, r.longErrors, longWords,
          100.0 * r.longErrors / longWords, r.median(), String.join(", ", r.longSeconds.stream()
              .map(s -> String.format(Locale.ROOT, "%.2f", s)).toList()), r.median() / bare, r.twoAtOnce);
    }
    System.out.printf(Locale.ROOT, "%nGoals: WER of (b) and (c) equal to (a)'s on the clips: %s, %s. (b) at most 1.05× (a)'s"
            + " time: %.3f. (c) at least 1.7× faster than (a) on the long recording: %.2f× faster. Real-time factor of "
            + "(c): %.3f. Against (a'), which keeps its recogniser as the mesh does: (b) %.3f× its time, (c) %.2f× faster.%n",
        results[1].clipErrors == results[0].clipErrors ? "yes" : "no",
        results[2].clipErrors == results[0].clipErrors ? "yes" : "no",
        results[1].median() / bare, bare / results[2].median(), results[2].median() / longSeconds,
        results[1].median() / results[3].median(), results[3].median() / results[2].median());
  }

  static List<Clip> clips() throws Exception {
    Path transcription = LIBRIVOX.resolve("transcription");
    if (!Files.exists(transcription)) {
      throw new IllegalStateException(LIBRIVOX + " is missing: apt-get install pocketsphinx-testdata");
    }
    Pattern line = Pattern.compile("<s>(.*)</s>\\s*\\((.+)\\)");
    List<Clip> clips = new ArrayList<>();
    for (String text : Files.readAllLines(transcription)) {
      Matcher m = line.matcher(text.trim());
      if (m.matches()) {
        clips.add(new Clip(LIBRIVOX.resolve(m.group(2) + ".wav"), WordErrorRate.words(m.group(1))));
      }
    }
    return clips;
  }

  private static double seconds(Path wav) throws Exception {
    var format = AudioSystem.getAudioFileFormat(wav.toFile());
    return format.getFrameLength() / (double) format.getFormat().getFrameRate();
  }

  /**
   * (a): Vosk's own example loop over the WAV file, one recogniser per file, the model loaded once. (a'),
   * {@code keep}: one recogniser for every file, as the mesh's recogniser threads keep theirs.
   */
  static final class BareVosk implements Peer {
    private final Model model;
    private final boolean keep;
    private Recognizer kept;

    BareVosk(Path work, boolean keep) throws Exception {
      this.keep = keep;
      LibVosk.setLogLevel(LogLevel.WARNINGS);
      JsonObject config = new JsonObject().put("transcription", new JsonObject()
          .put("workDirectory", work.resolve("model").toString()));
      model = new Model(VoskModelLocator.locate(TranscriptionConfig.from(config)).toString());
    }

    @Override
    public Heard transcribe(Path wav) throws Exception {
      long started = System.nanoTime();
      StringBuilder text = new StringBuilder();
      Recognizer recognizer = keep && kept != null ? kept : new Recognizer(model, 16_000);
      try (InputStream audio = AudioSystem.getAudioInputStream(new BufferedInputStream(Files.newInputStream(wav)))) {
        recognizer.setWords(true);
        byte[] buffer = new byte[4096];
        int n;
        while ((n = audio.read(buffer)) >= 0) {
          if (recognizer.acceptWaveForm(buffer, n)) {
            text.append(' ').append(new JsonObject(recognizer.getResult()).getString("text", ""));
          }
        }
        text.append(' ').append(new JsonObject(recognizer.getFinalResult()).getString("text", ""));
      } finally {
        if (keep) {
          kept = recognizer;
        } else {
          recognizer.close();
        }
      }
      return new Heard(text.toString().trim(), (System.nanoTime() - started) / 1e9);
    }

    @Override
    public double transcribeAtOnce(List<Path> wavs) throws Exception {
      double total = 0;
      for (Path wav : wavs) {
        total += transcribe(wav).seconds();
      }
      return total; // one thread: one after the other
    }

    @Override
    public void close() {
      // kept for every round, with its recogniser; the JVM's exit frees them
    }
  }

  /** (b) and (c): an edge and a transcription worker on embedded services; a job's time is submit to succeeded. */
  static final class Mesh {
    private final EmbeddedServices services;
    private final Path work;
    private final Vertx vertx = Vertx.vertx();
    private final WebClient http;
    private final Pool pool;
    private final String apiKey;

    Mesh(EmbeddedServices services, Path work) {
      this.services = services;
      this.work = work;
      this.http = WebClient.create(vertx);
      JsonObject config = config(1);
      Migrations.apply(PostgresConfig.from(config));
      pool = DatabasePool.create(vertx, PostgresConfig.from(config));
      apiKey = Blocking.await(new ApiKeyRepository(pool).createProject("bench"), Duration.ofSeconds(30)).apiKey();
    }

    private int port;

    private JsonObject config(int threads) {
      port = FreePorts.pick();
      int clusterPort = FreePorts.pick();
      JsonObject config = EmbeddedMeshConfig.build(services, work.resolve("node-" + threads), port,
          "bench-asr-" + UUID.randomUUID(), clusterPort, List.of("127.0.0.1:" + clusterPort));
      config.put("metrics", new JsonObject().put("enabled", false));
      config.getJsonObject("transcription").put("concurrency", threads);
      return config;
    }

    Peer node(int threads) {
      MeshNode node = Blocking.await(MeshNode.start(config(threads), EnumSet.of(VerticleName.EDGE,
          VerticleName.TRANSCRIPTION)), Duration.ofMinutes(2));
      int nodePort = port;
      return new Peer() {
        @Override
        public Heard transcribe(Path wav) throws Exception {
          String job = submit(nodePort, upload(nodePort, wav));
          JsonObject done = awaitDone(nodePort, job);
          String text = get(nodePort, "/v1/transcripts/" + job).getString("text");
          return new Heard(text, Duration.between(Instant.parse(done.getString("createdAt")),
              Instant.parse(done.getString("finishedAt"))).toNanos() / 1e9);
        }

        @Override
        public double transcribeAtOnce(List<Path> wavs) throws Exception {
          List<String> assets = new ArrayList<>();
          for (Path wav : wavs) {
            assets.add(upload(nodePort, wav));
          }
          List<String> jobs = new ArrayList<>();
          for (String asset : assets) {
            jobs.add(submit(nodePort, asset));
          }
          Instant first = null;
          Instant last = null;
          for (String job : jobs) {
            JsonObject done = awaitDone(nodePort, job);
            Instant created = Instant.parse(done.getString("createdAt"));
            Instant finished = Instant.parse(done.getString("finishedAt"));
            first = first == null || created.isBefore(first) ? created : first;
            last = last == null || finished.isAfter(last) ? finished : last;
          }
          return Duration.between(first, last).toNanos() / 1e9;
        }

        @Override
        public void close() {
          Blocking.await(node.stop(), Duration.ofMinutes(1));
        }
      };
    }

    private String upload(int port, Path wav) {
      HttpResponse<Buffer> response = Blocking.await(http.post(port, "127.0.0.1", "/v1/assets")
          .bearerTokenAuthentication(apiKey)
          .sendMultipartForm(MultipartForm.create().binaryFileUpload("file", wav.getFileName().toString(),
              wav.toString(), "audio/wav")), Duration.ofMinutes(1));
      if (response.statusCode() != 201) {
        throw new IllegalStateException("upload refused: " + response.bodyAsString());
      }
      return response.bodyAsJsonObject().getString("id");
    }

    private String submit(int port, String asset) {
      HttpResponse<Buffer> response = Blocking.await(http.post(port, "127.0.0.1", "/v1/jobs")
          .bearerTokenAuthentication(apiKey)
          .sendJsonObject(new JsonObject().put("type", "transcription").put("assetId", asset)), Duration.ofMinutes(1));
      if (response.statusCode() != 202) {
        throw new IllegalStateException("job refused: " + response.bodyAsString());
      }
      return response.bodyAsJsonObject().getString("id");
    }

    private JsonObject awaitDone(int port, String job) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (System.nanoTime() < deadline) {
        JsonObject seen = get(port, "/v1/jobs/" + job);
        String state = seen.getString("state");
        if ("succeeded".equals(state)) {
          return seen;
        }
        if (Arrays.asList("failed", "cancelled").contains(state)) {
          throw new IllegalStateException("job " + job + " " + state + ": " + seen.getString("error"));
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("job " + job + " did not finish in 10 minutes");
    }

    private JsonObject get(int port, String path) {
      return Blocking.await(http.get(port, "127.0.0.1", path).bearerTokenAuthentication(apiKey).send(),
          Duration.ofMinutes(1)).bodyAsJsonObject();
    }

    void close() {
      Blocking.await(pool.close(), Duration.ofSeconds(10));
      Blocking.await(vertx.close(), Duration.ofSeconds(10));
    }
  }
}
