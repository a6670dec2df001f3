package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.database.AssetRepository;
import io.atelier.database.ProjectQuotas;
import io.atelier.jobs.Pipeline;
import io.atelier.jobs.PipelineQueue;
import io.atelier.jobs.PipelineRepository;
import io.atelier.jobs.PipelineSubmission;
import io.atelier.outbound.OutboundTargets;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
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
  private final ProjectQuotas quotas;
  private final PipelineRepository pipelines;
  private final AssetRepository assets;
  private final OutboundTargets webhooks;

  PipelineRoutes(PipelineQueue queue, PipelineRepository pipelines, AssetRepository assets, OutboundTargets webhooks,
                 ProjectQuotas quotas) {
    this.quotas = quotas;
    this.queue = queue;
    this.pipelines = pipelines;
    this.assets = assets;
    this.webhooks = webhooks;
  }

  void mount(Router router) {
    router.post("/v1/pipelines")
        .handler(this::create);
    router.get("/v1/pipelines").handler(this::listOfAsset);
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
            : quotas.checkConcurrentJobs(projectId).compose(Quotas::refuseIfExceeded)
                .compose(v -> queue.submit(submission)))
        .onSuccess(submitted -> {
          if (submitted.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          accepted(ctx, submitted.pipeline());
        })
        .onFailure(ctx::fail);
  }

  private PipelineSubmission parse(JsonObject body, UUID projectId, String idempotencyKey) {
    UUID asset = JobRoutes.assetId(body);
    if (!(body.getValue("steps") instanceof JsonArray steps) || steps.isEmpty()
        || steps.size() > PipelineSubmission.MAX_STEPS) {
      throw Problem.invalidField("steps", "steps must be an array of 1 to " + PipelineSubmission.MAX_STEPS
          + " steps, each a job type or {\"type\": ..., \"params\": {...}, \"maxAttempts\": n}");
    }
    List<PipelineSubmission.Step> parsed = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      String field = "steps[" + i + "]";
      Object value = steps.getValue(i);
      JsonObject step = value instanceof String type ? new JsonObject().put("type", type)
          : value instanceof JsonObject object ? object : null;
      if (step == null) {
        throw Problem.invalidField(field, field + " must be a job type or an object with a 'type'");
      }
      JobSpec spec = JobSpec.parse(step, field + ".");
      if (spec.kind().readsTranscript(spec.params()) && !spec.params().containsKey("transcriptJobId")
          && parsed.stream().noneMatch(s -> s.kind() == JobKind.TRANSCRIPTION)) {
        throw Problem.invalidField(field + ".type", (spec.kind() == JobKind.ENRICHMENT ? "an " : "a ")
            + spec.kind().wireName() + " step needs a transcription step before it (or params.transcriptJobId "
            + "naming a succeeded transcription job)");
      }
      parsed.add(new PipelineSubmission.Step(spec.kind(), spec.params(), spec.maxAttempts()));
    }
    return new PipelineSubmission(projectId, asset, parsed, JobRoutes.webhookUrl(webhooks, body.getValue("webhook")),
        idempotencyKey);
  }

  /** {@code GET /v1/pipelines?assetId=&limit=}: an asset's latest pipelines with their steps, newest first. */
  private void listOfAsset(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String raw = ctx.request().getParam("assetId");
    UUID assetId = raw == null ? null : Ids.parse(raw).orElse(null);
    if (assetId == null) {
      throw Problem.invalidField("assetId", "assetId must name an asset of this project (a UUID)");
    }
    int limit = Pages.request(ctx).limit();
    assets.find(projectId, assetId)
        .compose(asset -> asset.isEmpty()
            ? Future.failedFuture(Problem.notFound("no asset " + raw + " in this project"))
            : pipelines.ofAsset(projectId, assetId, limit))
        .onSuccess(found -> ctx.json(new JsonObject().put("items",
            new JsonArray(found.stream().map(Pipeline::toApiJson).toList()))))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    find(pipelines, ApiKeyAuthHandler.projectId(ctx), ctx.pathParam("pipelineId"))
        .onSuccess(pipeline -> ctx.json(pipeline.toApiJson()))
        .onFailure(ctx::fail);
  }

  private void act(RoutingContext ctx, java.util.function.Function<Pipeline, Future<Pipeline>> action) {
    find(pipelines, ApiKeyAuthHandler.projectId(ctx), ctx.pathParam("pipelineId"))
        .compose(action)
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
