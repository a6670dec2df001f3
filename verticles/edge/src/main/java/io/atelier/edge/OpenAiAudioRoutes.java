package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.contracts.transcription.TranscriptionEngines;
import io.atelier.contracts.transcription.TranscriptionSpec;
import io.atelier.database.ProjectQuotas;
import io.atelier.database.TranscriptRepository;
import io.atelier.edge.OpenAiErrors.OpenAiError;
import io.atelier.edge.OpenAiTranscriptions.Granularity;
import io.atelier.edge.OpenAiTranscriptions.ResponseFormat;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobQueue;
import io.atelier.jobs.JobSubmission;
import io.atelier.transcripts.Languages;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI's audio API on the edge, for the SDKs and tools written against it: {@code POST /v1/audio/transcriptions}
 * and {@code GET /v1/models}. A transcription is an ordinary transcription job of the key's project (it shows in
 * {@code /v1/jobs}, with an asset of the file): the edge submits it, waits for its final state (up to
 * {@code edge.transcriptionWaitSeconds}), and answers in the {@code response_format} asked for. A client that goes
 * away before the answer cancels the job.
 */
final class OpenAiAudioRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OpenAiAudioRoutes.class);
  /** The form fields of a transcription request, as OpenAI's reference lists them for whisper-1. */
  private static final Set<String> FIELDS = Set.of("model", "language", "prompt", "temperature", "response_format",
      "timestamp_granularities[]", "timestamp_granularities", "stream", "file");
  /** When the models were "created", for {@code GET /v1/models}: the engines are part of the product. */
  private static final long MODELS_CREATED = 1_700_000_000L;

  private final Vertx vertx;
  private final JobQueue queue;
  private final ProjectQuotas quotas;
  private final TranscriptRepository transcripts;
  private final AssetIntake intake;
  private final JobCompletions completions;
  private final String engine;
  private final Duration wait;

  OpenAiAudioRoutes(Vertx vertx, JobQueue queue, TranscriptRepository transcripts, AssetIntake intake,
                    ProjectQuotas quotas, JobCompletions completions, String engine, Duration wait) {
    this.quotas = quotas;
    this.vertx = vertx;
    this.queue = queue;
    this.transcripts = transcripts;
    this.intake = intake;
    this.completions = completions;
    this.engine = engine;
    this.wait = wait;
  }

  /** Mounts the routes and their failure handler (before the router's own, which answers in problem+json). */
  void mount(Router router, EdgeConfig config) {
    OpenAiErrors errors = new OpenAiErrors();
    router.route("/v1/audio/*").failureHandler(errors);
    router.route("/v1/models").failureHandler(errors);
    router.route("/v1/models/*").failureHandler(errors);
    intake.mountMultipart(router, config, "/v1/audio/transcriptions", this::transcribe);
    router.get("/v1/models").handler(ctx -> ctx.json(new JsonObject().put("object", "list")
        .put("data", new JsonArray(models().stream().map(OpenAiAudioRoutes::model).toList()))));
    router.get("/v1/models/:model").handler(ctx -> {
      String name = ctx.pathParam("model");
      if (!models().contains(name)) {
        throw modelNotFound(name);
      }
      ctx.json(model(name));
    });
  }

  private List<String> models() {
    return List.of(TranscriptionEngines.WHISPER_1, engine);
  }

  private static JsonObject model(String name) {
    return new JsonObject().put("id", name).put("object", "model").put("created", MODELS_CREATED)
        .put("owned_by", "atelier");
  }

  private static OpenAiError modelNotFound(String name) {
    return new OpenAiError(404, OpenAiErrors.INVALID_REQUEST, "The model `" + name
        + "` does not exist or you do not have access to it.", "model", "model_not_found");
  }

  /** What a transcription request asks for, read and checked before anything is stored. */
  private record Request(FileUpload file, String model, ResponseFormat format, Set<Granularity> granularities,
                         TranscriptionSpec spec) {
  }

  private void transcribe(RoutingContext ctx) {
    TruncatedMultipartBodies.bodyRead(ctx);
    Request request = read(ctx);
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    boolean[] answered = {false};
    Job[] submitted = {null};
    // A client that goes away before its answer does not want the job any more.
    ctx.response().closeHandler(v -> {
      if (!answered[0] && submitted[0] != null) {
        LOG.info("job={} cancelled: its OpenAI-compatible request's client went away", submitted[0].id());
        queue.cancel(submitted[0]).onFailure(e -> LOG.debug("job={} not cancelled: {}", submitted[0].id(),
            e.getMessage()));
      }
    });
    quotas.checkConcurrentJobs(projectId).compose(Quotas::refuseIfExceeded)
        .compose(v -> intake.store(projectId, request.file()))
        .compose(asset -> queue.submit(new JobSubmission(projectId, JobKind.TRANSCRIPTION, asset.id(),
            request.spec().toParams(), JobKind.TRANSCRIPTION.defaultMaxAttempts(), null, null)))
        .compose(result -> {
          submitted[0] = result.job();
          if (ctx.response().closed()) {
            return queue.cancel(result.job()).compose(j -> Future.failedFuture(new IllegalStateException("gone")));
          }
          return completions.awaitFinal(projectId, result.job().id(), wait);
        })
        .compose(job -> answer(job, request))
        .onSuccess(body -> {
          answered[0] = true;
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, body.contentType())
              .putHeader("X-Atelier-Job", submitted[0].id().toString())
              .end(body.text());
        })
        .onFailure(e -> {
          answered[0] = true;
          if (e instanceof TimeoutException) {
            ctx.fail(new OpenAiError(504, OpenAiErrors.SERVER_ERROR, "the transcription (job " + submitted[0].id()
                + ") is still running after " + wait.toSeconds() + " s; its transcript will be at /v1/transcripts/"
                + submitted[0].id(), null, "timeout"));
          } else if (!ctx.response().closed()) {
            ctx.fail(e);
          }
        });
  }

  private Future<OpenAiTranscriptions.Body> answer(Job job, Request request) {
    if (job.state() == JobState.SUCCEEDED) {
      return transcripts.find(job.projectId(), job.id()).map(found -> OpenAiTranscriptions.render(found.orElseThrow(
              () -> new IllegalStateException("job " + job.id() + " succeeded without a transcript")),
          request.format(), request.granularities(), request.spec().temperature() == null ? 0.0
              : request.spec().temperature()));
    }
    String error = job.error() == null ? "" : job.error();
    if (job.state() == JobState.CANCELLED) {
      // A 400, not a 409: the SDKs retry a 409, and somebody meant this job to stop.
      throw new OpenAiError(400, OpenAiErrors.INVALID_REQUEST, "the transcription (job " + job.id()
          + ") was cancelled", null, "cancelled");
    }
    // The job's verdict about the audio is the caller's to fix; anything else is ours.
    if (error.startsWith("corrupt_media") || error.startsWith("unsupported_media")) {
      throw new OpenAiError(400, OpenAiErrors.INVALID_REQUEST, "Audio file might be corrupted or unsupported: "
          + error.substring(error.indexOf(':') + 1).strip(), "file", "invalid_value");
    }
    if (error.startsWith("invalid_input")) {
      throw OpenAiError.invalid(error.contains("language") ? "language" : null,
          error.substring(error.indexOf(':') + 1).strip());
    }
    throw new OpenAiError(500, OpenAiErrors.SERVER_ERROR, "the transcription (job " + job.id() + ") failed: " + error,
        null, null);
  }

  private Request read(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw OpenAiError.invalid(null, "send the request as multipart/form-data, with the audio in a field named 'file'");
    }
    MultiMap form = ctx.request().formAttributes();
    List<String> names = new ArrayList<>(form.names());
    ctx.fileUploads().forEach(f -> names.add(f.name()));
    for (String name : names) {
      if (!FIELDS.contains(name)) {
        throw OpenAiError.invalid(name, "Unrecognized request argument supplied: " + name);
      }
    }
    FileUpload file = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst()
        .orElseThrow(() -> OpenAiError.invalid("file", "you must provide a file in a field named 'file'"));
    if (file.size() == 0) {
      throw OpenAiError.invalid("file", "the file is empty");
    }
    String model = single(form, "model");
    if (model == null || model.isBlank()) {
      throw OpenAiError.invalid("model", "you must provide a model parameter");
    }
    if (!models().contains(model)) {
      throw modelNotFound(model);
    }
    String formatName = single(form, "response_format");
    ResponseFormat format = formatName == null ? ResponseFormat.JSON : ResponseFormat.of(formatName).orElseThrow(
        () -> OpenAiError.invalid("response_format", "'" + formatName + "' is not one of " + ResponseFormat.names()
            + " - 'response_format'"));
    Set<Granularity> granularities = EnumSet.noneOf(Granularity.class);
    List<String> asked = new ArrayList<>(form.getAll("timestamp_granularities[]"));
    asked.addAll(form.getAll("timestamp_granularities"));
    for (String value : asked) {
      granularities.add(Granularity.of(value).orElseThrow(() -> OpenAiError.invalid("timestamp_granularities",
          "'" + value + "' is not one of word, segment - 'timestamp_granularities'")));
    }
    if (!granularities.isEmpty() && format != ResponseFormat.VERBOSE_JSON) {
      throw OpenAiError.invalid("timestamp_granularities", "timestamp_granularities requires response_format to be"
          + " verbose_json");
    }
    if ("true".equalsIgnoreCase(single(form, "stream"))) {
      throw OpenAiError.invalid("stream", "streaming is not supported for " + model);
    }
    String languageField = single(form, "language");
    String language = null;
    if (languageField != null && !languageField.isBlank()) {
      language = Languages.code(languageField).orElseThrow(() -> OpenAiError.invalid("language",
          "Language '" + languageField + "' is not supported: give an ISO-639-1 code such as 'en'"));
    }
    Double temperature = null;
    String temperatureField = single(form, "temperature");
    if (temperatureField != null && !temperatureField.isBlank()) {
      try {
        temperature = Double.parseDouble(temperatureField);
      } catch (NumberFormatException e) {
        temperature = Double.NaN;
      }
      if (!(temperature >= 0 && temperature <= 1)) {
        throw OpenAiError.invalid("temperature", "temperature must be a number from 0 to 1");
      }
    }
    String prompt = single(form, "prompt");
    if (prompt != null && prompt.length() > TranscriptionSpec.MAX_PROMPT_CHARS) {
      throw OpenAiError.invalid("prompt", "the prompt is longer than " + TranscriptionSpec.MAX_PROMPT_CHARS
          + " characters");
    }
    return new Request(file, model, format, granularities, new TranscriptionSpec(language, prompt, temperature,
        model));
  }

  /** A field that may appear once; a repeated one is refused rather than guessed. */
  private static String single(MultiMap form, String name) {
    List<String> values = form.getAll(name);
    if (values.size() > 1) {
      throw OpenAiError.invalid(name, name + " is given " + values.size() + " times");
    }
    return values.isEmpty() ? null : values.get(0);
  }
}
