package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.WaveformSpec;
import io.atelier.database.AssetRepository;
import io.atelier.jobs.IdempotencyConflictException;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobSubmission;
import io.atelier.jobs.JobQueue;
import io.atelier.jobs.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;
import java.util.UUID;

/** {@code POST /v1/jobs} and {@code GET /v1/jobs/{id}}. */
final class JobRoutes {

  static final long MAX_JSON_BODY = 64 * 1024;

  private final JobQueue queue;
  private final JobRepository jobs;
  private final AssetRepository assets;

  JobRoutes(JobQueue queue, JobRepository jobs, AssetRepository assets) {
    this.queue = queue;
    this.jobs = jobs;
    this.assets = assets;
  }

  void mount(Router router) {
    router.post("/v1/jobs").handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BODY)).handler(this::create);
    router.get("/v1/jobs/:jobId").handler(this::get);
    router.post("/v1/jobs/:jobId/cancel").handler(this::cancel);
    router.post("/v1/jobs/:jobId/retry").handler(this::retry);
  }

  private record JobRequest(JobKind kind, UUID assetId, JsonObject params, int maxAttempts, String webhookUrl) {
  }

  private void create(RoutingContext ctx) {
    String idempotencyKey = idempotencyKey(ctx);
    JobRequest request = parse(ctx);
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    assets.find(projectId, request.assetId())
        .compose(asset -> asset.isEmpty()
            ? Future.failedFuture(Problem.notFound("no asset " + request.assetId() + " in this project"))
            : queue.submit(new JobSubmission(projectId, request.kind(), request.assetId(), request.params(),
                request.maxAttempts(), request.webhookUrl(), idempotencyKey)))
        .recover(e -> Future.failedFuture(e instanceof IdempotencyConflictException conflict
            ? Problem.conflict(conflict.getMessage(), new JsonObject()) : e))
        .onSuccess(submitted -> {
          if (submitted.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          accepted(ctx, submitted.job());
        })
        .onFailure(ctx::fail);
  }

  /** The optional Idempotency-Key header: 1 to 255 printable ASCII characters. */
  static String idempotencyKey(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null && (key.isBlank() || !key.matches("[\\x20-\\x7E]{1,255}"))) {
      throw Problem.invalidField("Idempotency-Key",
          "the Idempotency-Key header must be 1 to 255 printable ASCII characters");
    }
    return key;
  }

  private static JobRequest parse(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    Object type = body.getValue("type");
    if (type == null) {
      throw Problem.invalidField("type", "field 'type' is required (one of: " + JobKind.wireNames() + ")");
    }
    if (!(type instanceof String typeName)) {
      throw Problem.invalidField("type", "field 'type' must be a string");
    }
    JobKind kind = JobKind.fromWireName(typeName).orElseThrow(() -> Problem.invalidField("type",
        "unknown job type '" + typeName + "' (one of: " + JobKind.wireNames() + ")"));
    Object assetId = body.getValue("assetId");
    if (assetId == null) {
      throw Problem.invalidField("assetId", "field 'assetId' is required");
    }
    UUID asset = (assetId instanceof String text ? Ids.parse(text) : Optional.<UUID>empty())
        .orElseThrow(() -> Problem.invalidField("assetId", "field 'assetId' must be an asset id (a UUID)"));
    Object params = body.getValue("params");
    if (params != null && !(params instanceof JsonObject)) {
      throw Problem.invalidField("params", "field 'params' must be an object");
    }
    checkParams(kind, params == null ? new JsonObject() : (JsonObject) params, "params");
    Object maxAttempts = body.getValue("maxAttempts");
    int attempts = kind.defaultMaxAttempts();
    if (maxAttempts != null) {
      if (!(maxAttempts instanceof Integer n) || n < 1 || n > JobKind.MAX_ATTEMPTS_LIMIT) {
        throw Problem.invalidField("maxAttempts", "field 'maxAttempts' must be a whole number from 1 to "
            + JobKind.MAX_ATTEMPTS_LIMIT);
      }
      attempts = n;
    }
    return new JobRequest(kind, asset, params == null ? new JsonObject() : (JsonObject) params, attempts,
        webhookUrl(body.getValue("webhook")));
  }

  /**
   * Checks the params of the kinds whose params have rules (a render's image), so that a bad one is refused now,
   * naming it, instead of failing the job later.
   */
  static void checkParams(JobKind kind, JsonObject params, String field) {
    if (kind == JobKind.RENDER) {
      try {
        WaveformSpec.from(params);
      } catch (WaveformSpec.InvalidParamException invalid) {
        throw Problem.invalidField(field + "." + invalid.field(), field + "." + invalid.field() + " " + invalid.rule());
      }
    }
  }

  /** The optional {@code webhook: {"url": ...}}: an absolute http(s) URL. */
  static String webhookUrl(Object webhook) {
    if (webhook == null) {
      return null;
    }
    if (!(webhook instanceof JsonObject object) || !(object.getValue("url") instanceof String url)) {
      throw Problem.invalidField("webhook.url", "field 'webhook' must be an object with a 'url'");
    }
    try {
      java.net.URI uri = new java.net.URI(url);
      if (url.length() > 2048 || uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new java.net.URISyntaxException(url, "not an absolute http(s) URL");
      }
      return url;
    } catch (java.net.URISyntaxException e) {
      throw Problem.invalidField("webhook.url", "webhook.url must be an absolute http or https URL");
    }
  }

  static JsonObject jsonBody(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      throw Problem.unsupportedMediaType("send the body as application/json");
    }
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0) {
      throw Problem.badRequest("the request body is empty; expected a JSON object");
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
      if (!(value instanceof JsonObject object)) {
        throw Problem.badRequest("the request body must be a JSON object");
      }
      return object;
    } catch (DecodeException e) {
      throw Problem.badRequest("the request body is not valid JSON: " + e.getMessage());
    }
  }

  private void get(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String raw = ctx.pathParam("jobId");
    find(jobs, projectId, raw)
        .compose(job -> jobs.history(job.id()).map(history -> job.toApiJson().put("history", history)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** Cancels a queued job at once; asks a running job's worker to stop. */
  private void cancel(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    find(jobs, projectId, ctx.pathParam("jobId"))
        .compose(job -> jobs.requestCancel(projectId, job.id()).compose(cancelled -> cancelled
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(notIn(job, "cancelled", "queued or running")))))
        .onSuccess(job -> accepted(ctx, job))
        .onFailure(ctx::fail);
  }

  /** Queues a failed or cancelled job again, with a fresh round of attempts. */
  private void retry(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    find(jobs, projectId, ctx.pathParam("jobId"))
        .compose(job -> queue.retry(projectId, job).compose(requeued -> requeued
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(notIn(job, "retried", "failed or cancelled")))))
        .onSuccess(job -> accepted(ctx, job))
        .onFailure(ctx::fail);
  }

  private static Problem notIn(Job job, String action, String allowed) {
    return Problem.conflict("job " + job.id() + " is " + job.state().wireName() + "; only " + allowed
        + " jobs can be " + action, new JsonObject().put("state", job.state().wireName()));
  }

  private static void accepted(RoutingContext ctx, Job job) {
    ctx.response()
        .setStatusCode(202)
        .putHeader(HttpHeaders.LOCATION, "/v1/jobs/" + job.id())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(job.toApiJson().encode());
  }

  /** The project's job named by {@code raw}, or a 404 problem. */
  static Future<Job> find(JobRepository jobs, UUID projectId, String raw) {
    return Ids.parse(raw)
        .map(id -> jobs.find(projectId, id))
        .orElseGet(() -> Future.succeededFuture(Optional.empty()))
        .compose(job -> job.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("no job " + raw + " in this project"))));
  }
}
