package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.database.AssetRepository;
import io.atelier.jobs.IdempotencyConflictException;
import io.atelier.jobs.Pipeline;
import io.atelier.jobs.PipelineQueue;
import io.atelier.jobs.PipelineRepository;
import io.atelier.jobs.PipelineSubmission;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /v1/pipelines} (several job steps on one asset, run one after another), {@code GET /v1/pipelines/{id}},
 * and {@code POST /v1/pipelines/{id}/cancel} and {@code /resume}.
 */
final class PipelineRoutes {

  private final PipelineQueue queue;
  private final PipelineRepository pipelines;
  private final AssetRepository assets;

  PipelineRoutes(PipelineQueue queue, PipelineRepository pipelines, AssetRepository assets) {
    this.queue = queue;
    this.pipelines = pipelines;
    this.assets = assets;
  }

  void mount(Router router) {
    router.post("/v1/pipelines").handler(BodyHandler.create(false).setBodyLimit(JobRoutes.MAX_JSON_BODY))
        .handler(this::create);
    router.get("/v1/pipelines/:pipelineId").handler(this::get);
    router.post("/v1/pipelines/:pipelineId/cancel").handler(ctx -> act(ctx, queue::cancel));
    router.post("/v1/pipelines/:pipelineId/resume").handler(ctx -> act(ctx, queue::resume));
  }

  private void create(RoutingContext ctx) {
    String idempotencyKey = JobRoutes.idempotencyKey(ctx);
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    PipelineSubmission submission = parse(JobRoutes.jsonBody(ctx), projectId, idempotencyKey);
    assets.find(projectId, submission.assetId())
        .compose(asset -> asset.isEmpty()
            ? Future.failedFuture(Problem.notFound("no asset " + submission.assetId() + " in this project"))
            : queue.submit(submission))
        .recover(e -> Future.failedFuture(e instanceof IdempotencyConflictException conflict
            ? Problem.conflict(conflict.getMessage(), new JsonObject()) : e))
        .onSuccess(submitted -> {
          if (submitted.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          accepted(ctx, submitted.pipeline());
        })
        .onFailure(ctx::fail);
  }

  private static PipelineSubmission parse(JsonObject body, UUID projectId, String idempotencyKey) {
    Object assetId = body.getValue("assetId");
    if (assetId == null) {
      throw Problem.invalidField("assetId", "field 'assetId' is required");
    }
    UUID asset = (assetId instanceof String text ? Ids.parse(text) : Optional.<UUID>empty())
        .orElseThrow(() -> Problem.invalidField("assetId", "field 'assetId' must be an asset id (a UUID)"));
    if (!(body.getValue("steps") instanceof JsonArray steps) || steps.isEmpty()
        || steps.size() > PipelineSubmission.MAX_STEPS) {
      throw Problem.invalidField("steps", "field 'steps' must be an array of 1 to " + PipelineSubmission.MAX_STEPS
          + " steps, each a job type or {\"type\": ..., \"params\": {...}, \"maxAttempts\": n}");
    }
    List<PipelineSubmission.Step> parsed = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      PipelineSubmission.Step step = step(steps.getValue(i), "steps[" + i + "]");
      if (step.kind() == JobKind.ENRICHMENT && !step.params().containsKey("transcriptJobId")
          && parsed.stream().noneMatch(s -> s.kind() == JobKind.TRANSCRIPTION)) {
        throw Problem.invalidField("steps[" + i + "].type", "an enrichment step needs a transcription step before "
            + "it (or params.transcriptJobId naming a succeeded transcription job)");
      }
      parsed.add(step);
    }
    return new PipelineSubmission(projectId, asset, parsed, JobRoutes.webhookUrl(body.getValue("webhook")),
        idempotencyKey);
  }

  private static PipelineSubmission.Step step(Object value, String field) {
    JsonObject step = value instanceof String type ? new JsonObject().put("type", type)
        : value instanceof JsonObject object ? object : null;
    if (step == null) {
      throw Problem.invalidField(field, field + " must be a job type or an object with a 'type'");
    }
    if (!(step.getValue("type") instanceof String typeName)) {
      throw Problem.invalidField(field + ".type", field + ".type is required (one of: " + JobKind.wireNames() + ")");
    }
    JobKind kind = JobKind.fromWireName(typeName).orElseThrow(() -> Problem.invalidField(field + ".type",
        "unknown job type '" + typeName + "' (one of: " + JobKind.wireNames() + ")"));
    Object params = step.getValue("params");
    if (params != null && !(params instanceof JsonObject)) {
      throw Problem.invalidField(field + ".params", field + ".params must be an object");
    }
    JobRoutes.checkParams(kind, params == null ? new JsonObject() : (JsonObject) params, field + ".params");
    Object maxAttempts = step.getValue("maxAttempts");
    int attempts = kind.defaultMaxAttempts();
    if (maxAttempts != null) {
      if (!(maxAttempts instanceof Integer n) || n < 1 || n > JobKind.MAX_ATTEMPTS_LIMIT) {
        throw Problem.invalidField(field + ".maxAttempts", field + ".maxAttempts must be a whole number from 1 to "
            + JobKind.MAX_ATTEMPTS_LIMIT);
      }
      attempts = n;
    }
    return new PipelineSubmission.Step(kind, params == null ? new JsonObject() : (JsonObject) params, attempts);
  }

  private void get(RoutingContext ctx) {
    find(pipelines, ApiKeyAuthHandler.projectId(ctx), ctx.pathParam("pipelineId"))
        .onSuccess(pipeline -> ctx.json(pipeline.toApiJson()))
        .onFailure(ctx::fail);
  }

  private void act(RoutingContext ctx, java.util.function.Function<Pipeline, Future<Pipeline>> action) {
    find(pipelines, ApiKeyAuthHandler.projectId(ctx), ctx.pathParam("pipelineId"))
        .compose(action)
        .recover(e -> Future.failedFuture(e instanceof PipelineQueue.PipelineStateException conflict
            ? Problem.conflict(conflict.getMessage(), new JsonObject().put("state", conflict.pipeline().state().wireName()))
            : e))
        .onSuccess(pipeline -> accepted(ctx, pipeline))
        .onFailure(ctx::fail);
  }

  private static void accepted(RoutingContext ctx, Pipeline pipeline) {
    ctx.response()
        .setStatusCode(202)
        .putHeader(HttpHeaders.LOCATION, "/v1/pipelines/" + pipeline.id())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(pipeline.toApiJson().encode());
  }

  /** The project's pipeline named by {@code raw}, or a 404 problem. */
  static Future<Pipeline> find(PipelineRepository pipelines, UUID projectId, String raw) {
    return Ids.parse(raw)
        .map(id -> pipelines.find(projectId, id))
        .orElseGet(() -> Future.succeededFuture(Optional.empty()))
        .compose(found -> found.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("no pipeline " + raw + " in this project"))));
  }
}
