package io.atelier.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.contracts.ErrorCode;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import io.atelier.outbound.AddressBlock;
import io.atelier.outbound.OutboundTargets;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the engine's requests go, against a real HTTP server on 127.0.0.1 that a name no DNS knows
 * ({@code engine.example.test}) resolves to, as the test's resolver says.
 */
class OpenAiCompatibleEngineTargetTest {

  private static final String ANSWER = """
      {"text":"hello","language":"english","words":[{"word":"hello","start":0.1,"end":0.4}],"segments":[]}""";

  private Vertx vertx;
  private WorkerExecutor files;
  private HttpServer server;
  private final List<MultiMap> received = new CopyOnWriteArrayList<>();
  private final List<String> uris = new CopyOnWriteArrayList<>();
  private final List<String> resolved = new CopyOnWriteArrayList<>();
  private PcmAudio audio;

  @BeforeEach
  void startServer(@TempDir Path folder) throws Exception {
    vertx = Vertx.vertx();
    files = vertx.createSharedWorkerExecutor("engine-target-test-files");
    server = await(vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          received.add(request.headers());
          uris.add(request.uri());
          request.response().putHeader("Content-Type", "application/json").end(ANSWER);
        }))
        .listen(0, "127.0.0.1"));
    Path pcm = folder.resolve("audio.pcm");
    Files.write(pcm, new byte[PcmAudio.BYTES_PER_SECOND]);
    audio = new PcmAudio(pcm, PcmAudio.BYTES_PER_SECOND, new float[100]);
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** An engine at {@code http://engine.example.test:<port>/v1}, the name resolving to {@code address}. */
  private OpenAiCompatibleEngine engine(String address, String... allowedNetworks) {
    var remote = new TranscriptionConfig.RemoteEngine("http://engine.example.test:" + server.actualPort() + "/v1",
        "whisper-1", "sk-test", Duration.ofSeconds(5), 2, Duration.ofMillis(10),
        Stream.of(allowedNetworks).map(AddressBlock::parse).toList());
    return new OpenAiCompatibleEngine(vertx, remote, files, host -> {
      resolved.add(host);
      if (!host.equals("engine.example.test")) {
        throw new UnknownHostException(host);
      }
      return List.of(InetAddress.getByAddress(host, InetAddress.getByName(address).getAddress()));
    });
  }

  private Future<SpeechEngine.Heard> recognise(OpenAiCompatibleEngine engine) {
    return engine.recognise(audio, new SpeechChunks.Chunk(0, 0, audio.bytes()),
        new TranscriptionRequest(null, null, null), JobControl.detached(), done -> { });
  }

  @Test
  void theEngineIsCalledAtTheAddressItsNameWasCheckedAtWithTheNameInTheHostHeader() throws Exception {
    SpeechEngine.Heard heard = await(recognise(engine("127.0.0.1", "127.0.0.0/8")));

    assertThat(heard.words()).hasSize(1);
    assertThat(heard.words().get(0).word()).isEqualTo("hello");
    assertThat(resolved).containsExactly("engine.example.test");
    assertThat(uris).containsExactly("/v1/audio/transcriptions");
    MultiMap headers = received.get(0);
    assertThat(headers.get("Host")).isEqualTo("engine.example.test:" + server.actualPort());
    assertThat(headers.get("Authorization")).isEqualTo("Bearer sk-test");
    assertThat(headers.get("Content-Type")).startsWith("multipart/form-data");
  }

  @Test
  void aNameThatResolvesInsideTheNetworkIsNotCalledAndTheJobHandedBack() {
    // Allowed at 127.0.0.0/8, the engine's name now resolves to a private address: DNS changed after the start.
    assertThatThrownBy(() -> await(recognise(engine("10.0.0.5", "127.0.0.0/8"))))
        .isInstanceOfSatisfying(JobFailedException.class,
            failed -> assertThat(failed.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("is not called: transcription.baseUrl host engine.example.test resolves to 10.0.0.5, "
            + "a private address; remote engines may only be called at public addresses unless "
            + "transcription.allowedNetworks lists their network");
    // Refused once, not tried again: the same answer would come.
    assertThat(resolved).containsExactly("engine.example.test");
    assertThat(received).isEmpty();
  }

  @Test
  void aNameThatDoesNotResolveIsTriedAgainAsAnEngineThatCannotBeReached() {
    OutboundTargets.Resolver unknown = host -> {
      resolved.add(host);
      throw new UnknownHostException(host);
    };
    var remote = new TranscriptionConfig.RemoteEngine("http://gone.example.test/v1", "whisper-1", "",
        Duration.ofSeconds(5), 2, Duration.ofMillis(10), List.of());
    OpenAiCompatibleEngine engine = new OpenAiCompatibleEngine(vertx, remote, files, unknown);

    assertThatThrownBy(() -> await(recognise(engine)))
        .isInstanceOfSatisfying(JobFailedException.class,
            failed -> assertThat(failed.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("cannot reach http://gone.example.test/v1/audio/transcriptions")
        .hasMessageContaining("after 2 attempts");
    assertThat(resolved).containsExactly("gone.example.test", "gone.example.test");
  }
}
