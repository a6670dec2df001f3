package io.atelier.edge;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code GET /v1/webhooks/deliveries[?jobId=]} and {@code GET /v1/webhooks/secret}. */
final class WebhookRoutes {

  private final WebhookDeliveries deliveries;

  WebhookRoutes(WebhookDeliveries deliveries) {
    this.deliveries = deliveries;
  }

  void mount(Router router) {
    router.get("/v1/webhooks/deliveries").handler(this::list);
    router.get("/v1/webhooks/secret").handler(this::secret);
  }

  private void list(RoutingContext ctx) {
    String raw = ctx.request().getParam("jobId");
    UUID jobId = null;
    if (raw != null) {
      jobId = Ids.parse(raw).orElseThrow(() -> Problem.invalidField("jobId", "jobId must be a job id (a UUID)"));
    }
    deliveries.list(ApiKeyAuthHandler.projectId(ctx), jobId)
        .onSuccess(list -> ctx.json(new JsonObject().put("deliveries", list)))
        .onFailure(ctx::fail);
  }

  /** The secret that signs this project's deliveries, for receivers to verify them. */
  private void secret(RoutingContext ctx) {
    deliveries.secret(ApiKeyAuthHandler.projectId(ctx))
        .onSuccess(secret -> ctx.json(new JsonObject().put("secret", secret)))
        .onFailure(ctx::fail);
  }
}
