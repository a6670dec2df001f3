package io.atelier.transcription;

import io.atelier.contracts.ErrorCode;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import io.atelier.outbound.OutboundTargets;
import io.atelier.transcripts.Languages;
import io.atelier.transcripts.TimedWord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any server that speaks OpenAI's {@code POST /audio/transcriptions} (OpenAI itself, whisper.cpp's server,
 * faster-whisper servers, another Atelier mesh): each chunk goes as a 16 kHz mono WAV asking for
 * {@code verbose_json} with word timestamps. Connection failures, timeouts, {@code 429} and {@code 5xx} are tried
 * again with a doubling delay, up to the configured attempts; then the job is handed back as unavailable, for the job
 * engine to run again later. An answer that is not a transcription with word timings fails the job with what the
 * server said.
 *
 * <p>Each request goes to an address {@link OutboundTargets} checked, as webhooks do: the host is resolved and
 * checked at each attempt and the connection made to the checked address, with the URL's host in the Host header
 * and for TLS; redirects are not followed (they would lead past the check).
 */
final class OpenAiCompatibleEngine implements SpeechEngine {

  static final String NAME = TranscriptionConfig.OPENAI_COMPATIBLE;
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleEngine.class);
  private static final int QUOTED_BODY_CHARS = 300;
  private static final long CANCEL_CHECK_MILLIS = 100;
  /** A TCP connection is made within this (or the request's own limit, if shorter), or the attempt is tried again. */
  private static final long CONNECT_TIMEOUT_MILLIS = 10_000;

  private final Vertx vertx;
  private final WebClient client;
  private final TranscriptionConfig.RemoteEngine remote;
  private final OutboundTargets targets;
  private final WorkerExecutor files;
  private final String endpoint;

  OpenAiCompatibleEngine(Vertx vertx, TranscriptionConfig.RemoteEngine remote, WorkerExecutor files) {
    this(vertx, remote, files, OutboundTargets.SYSTEM_RESOLVER);
  }

  /** With the engine's host resolved by {@code resolver}. */
  OpenAiCompatibleEngine(Vertx vertx, TranscriptionConfig.RemoteEngine remote, WorkerExecutor files,
                         OutboundTargets.Resolver resolver) {
    this.vertx = vertx;
    this.remote = remote;
    this.targets = remote.targets(resolver);
    this.files = files;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) Math.min(remote.timeout().toMillis(), CONNECT_TIMEOUT_MILLIS))
        .setIdleTimeout((int) Math.max(1, remote.timeout().toSeconds()))
        .setFollowRedirects(false)
        .setUserAgent("atelier-transcription"));
    String base = remote.baseUrl().endsWith("/") ? remote.baseUrl() : remote.baseUrl() + "/";
    this.endpoint = base + "audio/transcriptions";
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Heard> recognise(PcmAudio audio, SpeechChunks.Chunk chunk, TranscriptionRequest request,
                                 JobControl control, DoubleConsumer progress) {
    Path wav = audio.file().resolveSibling("chunk-" + chunk.index() + ".wav");
    return files.executeBlocking(() -> {
      try (OutputStream out = Files.newOutputStream(wav)) {
        audio.writeWav(chunk.from(), chunk.to(), out);
      }
      return wav;
    }, false)
        .compose(file -> untilCancelled(attempt(file, request, control, 1), control))
        .map(heard -> {
          progress.accept(1);
          return heard;
        })
        .eventually(() -> files.executeBlocking(() -> Files.deleteIfExists(wav), false));
  }

  private Future<Heard> attempt(Path wav, TranscriptionRequest request, JobControl control, int attempt) {
    if (control.isCancelRequested()) {
      return Future.failedFuture(new CancellationException("the job was cancelled"));
    }
    MultipartForm form = MultipartForm.create()
        .attribute("model", remote.model())
        .attribute("response_format", "verbose_json")
        .attribute("timestamp_granularities[]", "word")
        .attribute("timestamp_granularities[]", "segment");
    if (request.language() != null) {
      form.attribute("language", request.language());
    }
    if (request.prompt() != null) {
      form.attribute("prompt", request.prompt());
    }
    if (request.temperature() != null) {
      form.attribute("temperature", Double.toString(request.temperature()));
    }
    form.binaryFileUpload("file", "audio.wav", wav.toString(), "audio/wav");
    return targets.resolve(vertx, endpoint).compose(target -> {
      // timeout(): the longest the request waits for a pooled connection, and then for each byte of the answer.
      var call = client.request(HttpMethod.POST,
              SocketAddress.inetSocketAddress(new InetSocketAddress(target.address(), target.port())), target.port(),
              target.host(), target.requestUri())
          .ssl(target.tls())
          .timeout(remote.timeout().toMillis());
      if (!remote.apiKey().isEmpty()) {
        call.bearerTokenAuthentication(remote.apiKey());
      }
      return call.sendMultipartForm(form);
    }).transform(result -> {
      if (result.failed() && result.cause() instanceof OutboundTargets.RefusedTarget refused) {
        // The name resolves inside now: the same again would be refused; handed back until it resolves elsewhere.
        return Future.failedFuture(new JobFailedException(ErrorCode.UNAVAILABLE, "the transcription engine at "
            + endpoint + " is not called: " + refused.reason()));
      }
      if (result.failed()) {
        return retry(wav, request, control, attempt, "cannot reach " + endpoint + ": " + result.cause());
      }
      HttpResponse<Buffer> response = result.result();
      int status = response.statusCode();
      if (status == 429 || status >= 500) {
        return retry(wav, request, control, attempt, endpoint + " answered " + status + ": " + quote(response));
      }
      if (status != 200) {
        // A refusal of this request (its audio, its parameters, the key): running it again will not change it.
        ErrorCode code = status == 400 || status == 413 || status == 415 ? ErrorCode.INVALID_INPUT : ErrorCode.INTERNAL;
        return Future.failedFuture(new JobFailedException(code, "the transcription engine at " + endpoint
            + " refused the request (" + status + "): " + quote(response)));
      }
      try {
        return Future.succeededFuture(parse(response.body(), request));
      } catch (RuntimeException nonsense) { // DecodeException, ClassCastException, IllegalArgumentException
        return Future.failedFuture(new JobFailedException(ErrorCode.INTERNAL, "the transcription engine at "
            + endpoint + " answered with no transcription: " + nonsense.getMessage() + " (it sent: "
            + quote(response) + ")"));
      }
    });
  }

  /**
   * {@code work}, or a {@link CancellationException} as soon as the job is cancelled: the job stops within
   * {@value #CANCEL_CHECK_MILLIS} ms, and the request in flight ends by itself (its answer is dropped).
   */
  private <T> Future<T> untilCancelled(Future<T> work, JobControl control) {
    Promise<T> outcome = Promise.promise();
    long timer = vertx.setPeriodic(CANCEL_CHECK_MILLIS, t -> {
      if (control.isCancelRequested()) {
        outcome.tryFail(new CancellationException("the job was cancelled"));
      }
    });
    work.onComplete(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        outcome.tryComplete(result.result());
      } else {
        outcome.tryFail(result.cause());
      }
    });
    return outcome.future();
  }

  private Future<Heard> retry(Path wav, TranscriptionRequest request, JobControl control, int attempt, String why) {
    if (attempt >= remote.attempts()) {
      return Future.failedFuture(new JobFailedException(ErrorCode.UNAVAILABLE, why + " (after " + attempt
          + (attempt == 1 ? " attempt)" : " attempts)")));
    }
    long delay = remote.retryDelay().toMillis() << Math.min(attempt - 1, 10);
    LOG.warn("transcription engine attempt {} of {} failed, next in {} ms: {}", attempt, remote.attempts(), delay, why);
    Promise<Heard> next = Promise.promise();
    vertx.setTimer(Math.max(1, delay), t -> attempt(wav, request, control, attempt + 1).onComplete(next));
    return next.future();
  }

  /** The words of a {@code verbose_json} answer; each word's confidence is its segment's mean token probability. */
  static Heard parse(Buffer body, TranscriptionRequest request) {
    if (body == null || body.length() == 0) {
      throw new IllegalArgumentException("the body is empty");
    }
    Object decoded = io.vertx.core.json.Json.decodeValue(body);
    if (!(decoded instanceof JsonObject json) || !(json.getValue("text") instanceof String)) {
      throw new IllegalArgumentException("the body is not a transcription object with a 'text'");
    }
    JsonArray words = json.getJsonArray("words");
    if (words == null) {
      if (json.getString("text").isBlank()) {
        return new Heard(List.of(), language(json, request));
      }
      throw new IllegalArgumentException("it has no 'words' although timestamp_granularities[]=word asked for them");
    }
    JsonArray segments = json.getJsonArray("segments", new JsonArray());
    List<TimedWord> heard = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      JsonObject w = words.getJsonObject(i);
      String text = w.getString("word", "").strip();
      if (text.isEmpty()) {
        continue;
      }
      Number from = w.getNumber("start");
      Number to = w.getNumber("end");
      if (from == null || to == null) {
        throw new IllegalArgumentException("words[" + i + "] has no start or end");
      }
      double start = from.doubleValue();
      double end = Math.max(start, to.doubleValue());
      heard.add(new TimedWord(text, Math.max(0, start), Math.max(0, end), confidence(segments, start)));
    }
    return new Heard(heard, language(json, request));
  }

  private static double confidence(JsonArray segments, double at) {
    for (int i = 0; i < segments.size(); i++) {
      JsonObject segment = segments.getJsonObject(i);
      Number start = segment.getNumber("start");
      Number end = segment.getNumber("end");
      Number logprob = segment.getNumber("avg_logprob");
      if (start != null && end != null && logprob != null && at >= start.doubleValue() && at <= end.doubleValue()) {
        return Math.max(0, Math.min(1, Math.exp(logprob.doubleValue())));
      }
    }
    return 1.0;
  }

  private static String language(JsonObject json, TranscriptionRequest request) {
    if (request.language() != null) {
      return request.language();
    }
    return Languages.code(json.getString("language")).orElse(null);
  }

  private static String quote(HttpResponse<Buffer> response) {
    String body = response.body() == null ? "" : response.bodyAsString().strip();
    return body.isEmpty() ? "(no body)" : body.length() > QUOTED_BODY_CHARS
        ? body.substring(0, QUOTED_BODY_CHARS) + "…" : body;
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  @Override
  public String toString() {
    return NAME + " at " + endpoint.toLowerCase(Locale.ROOT);
  }
}
