package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobQueue;
import io.atelier.jobs.JobRepository;
import io.atelier.jobs.JobSubmission;
import io.atelier.database.AssetRepository;
import io.atelier.database.ProjectQuotas;
import io.atelier.outbound.OutboundTargets;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/** {@code POST /v1/jobs}, {@code GET /v1/jobs} (the project's, newest first), {@code GET /v1/jobs/{id}}, and {@code POST /v1/jobs/{id}/cancel} and {@code /retry}. */
final class JobRoutes {

  private final JobQueue queue;
  private final ProjectQuotas quotas;
  private final JobRepository jobs;
  private final JobLookup lookup;
  private final AssetRepository assets;
  private final OutboundTargets webhooks;

  JobRoutes(JobQueue queue, JobRepository jobs, AssetRepository assets, OutboundTargets webhooks,
            ProjectQuotas quotas) {
    this.quotas = quotas;
    this.queue = queue;
    this.jobs = jobs;
    this.lookup = new JobLookup(jobs);
    this.assets = assets;
    this.webhooks = webhooks;
  }

  void mount(Router router) {
    router.post("/v1/jobs").handler(this::create);
    router.get("/v1/jobs").handler(this::list);
    router.get("/v1/jobs/:jobId").handler(this::get);
    router.post("/v1/jobs/:jobId/cancel").handler(ctx -> act(ctx, queue::cancel));
    router.post("/v1/jobs/:jobId/retry").handler(ctx -> act(ctx, queue::retry));
  }

  private void create(RoutingContext ctx) {
    String idempotencyKey = idempotencyKey(ctx);
    JsonObject body = jsonBody(ctx);
    JobSpec spec = JobSpec.parse(body, "");
    UUID assetId = assetId(body);
    String webhookUrl = webhookUrl(webhooks, body.getValue("webhook"));
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    assets.find(projectId, assetId)
        .compose(asset -> asset.isEmpty()
            ? Future.failedFuture(Problem.notFound("no asset " + assetId + " in this project"))
            : quotas.checkConcurrentJobs(projectId).compose(Quotas::refuseIfExceeded)
                .compose(v -> queue.submit(new JobSubmission(projectId, spec.kind(), assetId, spec.params(),
                    spec.maxAttempts(), webhookUrl, idempotencyKey))))
        .onSuccess(submitted -> {
          if (submitted.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          accepted(ctx, submitted.job());
        })
        .onFailure(ctx::fail);
  }

  /** The request's {@code assetId}: the id of an asset (whether it is one of the project's is checked after). */
  static UUID assetId(JsonObject body) {
    Object assetId = body.getValue("assetId");
    if (assetId == null) {
      throw Problem.invalidField("assetId", "assetId is required");
    }
    return (assetId instanceof String text ? Ids.parse(text) : Optional.<UUID>empty())
        .orElseThrow(() -> Problem.invalidField("assetId", "assetId must be an asset id (a UUID)"));
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

  /**
   * The optional {@code webhook: {"url": ...}}: an absolute http(s) URL naming a public address (or one the
   * configuration allows, in development).
   */
  static String webhookUrl(OutboundTargets webhooks, Object webhook) {
    if (webhook == null) {
      return null;
    }
    if (!(webhook instanceof JsonObject object) || !(object.getValue("url") instanceof String url)) {
      throw Problem.invalidField("webhook.url", "webhook must be an object with a 'url'");
    }
    try {
      return webhooks.checkUrl(url);
    } catch (OutboundTargets.RefusedTarget refused) {
      throw Problem.invalidField("webhook.url", refused.reason());
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
      wellFormed(object, "");
      return object;
    } catch (DecodeException e) {
      throw Problem.badRequest("the request body is not valid JSON: " + e.getMessage());
    }
  }

  /**
   * Refuses text that is not Unicode: JSON's escapes can spell a lone surrogate ({@code "\ud800"}), which no UTF-8
   * store can hold (it would be kept as '?'). The problem names the field.
   */
  private static void wellFormed(Object value, String at) {
    if (value instanceof JsonObject object) {
      for (var entry : object) {
        String field = at.isEmpty() ? entry.getKey() : at + "." + entry.getKey();
        checkText(entry.getKey(), field);
        wellFormed(entry.getValue(), field);
      }
    } else if (value instanceof io.vertx.core.json.JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        wellFormed(array.getValue(i), at + "[" + i + "]");
      }
    } else if (value instanceof String text) {
      checkText(text, at);
    }
  }

  private static void checkText(String text, String field) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      if (paired) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw Problem.invalidField(field.isEmpty() ? "body" : field, field + " is not valid Unicode: a lone surrogate"
            + String.format(" (\\u%04x) at character %d", (int) c, i));
      }
    }
  }

  /** {@code GET /v1/jobs?type=&state=&assetId=&limit=&cursor=}: the project's jobs, newest first. */
  private void list(RoutingContext ctx) {
    Pages.Request page = Pages.request(ctx);
    String type = ctx.request().getParam("type");
    String state = ctx.request().getParam("state");
    String asset = ctx.request().getParam("assetId");
    JobRepository.Filter filter = new JobRepository.Filter(
        type == null ? null : JobKind.fromWireName(type).orElseThrow(() -> Problem.invalidField("type",
            "type must be a job type (one of: " + JobKind.wireNames() + ")")),
        state == null ? null : java.util.Arrays.stream(JobState.values()).filter(s -> s.wireName().equals(state))
            .findFirst().orElseThrow(() -> Problem.invalidField("state", "state must be one of: " + String.join(", ",
                java.util.Arrays.stream(JobState.values()).map(JobState::wireName).toList()))),
        asset == null ? null : Ids.parse(asset).orElseThrow(() -> Problem.invalidField("assetId",
            "assetId must be an asset id (a UUID)")));
    jobs.list(ApiKeyAuthHandler.projectId(ctx), filter, page.after(), page.limit())
        .onSuccess(found -> ctx.json(Pages.body(found.jobs().stream().map(Job::toApiJson).toList(), found.next())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    lookup.find(ApiKeyAuthHandler.projectId(ctx), ctx.pathParam("jobId"))
        .compose(job -> jobs.history(job.id()).map(history -> job.toApiJson().put("history", history)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** Cancels or retries the job the path names; a job in a state that does not allow it is a 409. */
  private void act(RoutingContext ctx, java.util.function.Function<Job, Future<Job>> action) {
    lookup.find(ApiKeyAuthHandler.projectId(ctx), ctx.pathParam("jobId"))
        .compose(action)
        .onSuccess(job -> accepted(ctx, job))
        .onFailure(ctx::fail);
  }

  private static void accepted(RoutingContext ctx, Job job) {
    ctx.response()
        .setStatusCode(202)
        .putHeader(HttpHeaders.LOCATION, "/v1/jobs/" + job.id())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(job.toApiJson().encode());
  }
}
