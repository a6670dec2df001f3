package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.database.RenderRepository;
import io.atelier.jobs.JobRepository;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code GET /v1/renders/{jobId}} (the files a render job made) and {@code GET /v1/renders/{jobId}/{file}}. */
final class RenderRoutes {

  private final JobLookup jobs;
  private final RenderRepository renders;
  private final ObjectStorage storage;

  RenderRoutes(JobRepository jobs, RenderRepository renders, ObjectStorage storage) {
    this.jobs = new JobLookup(jobs);
    this.renders = renders;
    this.storage = storage;
  }

  void mount(Router router) {
    router.get("/v1/renders/:jobId").handler(ctx -> find(ctx).onSuccess(r -> ctx.json(r.toApiJson())).onFailure(ctx::fail));
    router.get("/v1/renders/:jobId/:file").handler(this::file);
  }

  private void file(RoutingContext ctx) {
    String name = ctx.pathParam("file");
    find(ctx)
        .compose(render -> {
          JsonObject file = render.files().getJsonObject(name);
          if (file == null) {
            return Future.failedFuture(Problem.notFound("render " + render.jobId() + " has no file '" + name
                + "' (it has: " + String.join(", ", render.files().fieldNames()) + ")"));
          }
          return storage.getBytes(file.getString("key")).compose(bytes -> ctx.response()
              .putHeader(HttpHeaders.CONTENT_TYPE, file.getString("contentType"))
              .end(bytes));
        })
        .onFailure(ctx::fail);
  }

  private Future<RenderRepository.Render> find(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String ref = ctx.pathParam("jobId");
    return jobs.succeeded(projectId, ref, JobKind.RENDER, "render")
        .compose(job -> renders.find(projectId, job.id()).compose(found -> found.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("job " + ref + " has no render")))));
  }
}
