package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.database.RenderRepository;
import io.atelier.jobs.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code GET /v1/renders/{jobId}} (the files a render job made) and {@code GET /v1/renders/{jobId}/{file}}. */
final class RenderRoutes {

  private final JobLookup jobs;
  private final RenderRepository renders;
  private final StoredFiles files;

  RenderRoutes(JobRepository jobs, RenderRepository renders, StoredFiles files) {
    this.jobs = new JobLookup(jobs);
    this.renders = renders;
    this.files = files;
  }

  void mount(Router router) {
    router.get("/v1/renders/:jobId").handler(ctx -> find(ctx).onSuccess(r -> ctx.json(r.toApiJson())).onFailure(ctx::fail));
    router.get("/v1/renders/:jobId/:file").handler(ctx -> file(ctx)
        .compose(file -> files.send(ctx, file.getString("key"), file.getString("contentType"), null))
        .onFailure(ctx::fail));
    router.get("/v1/renders/:jobId/:file/link").handler(ctx -> {
      java.time.Duration lifetime = StoredFiles.linkLifetime(ctx);
      file(ctx).onSuccess(file -> ctx.json(files.link(file.getString("key"), lifetime))).onFailure(ctx::fail);
    });
  }

  /** The render file the path names: its storage key and content type. */
  private Future<JsonObject> file(RoutingContext ctx) {
    String name = ctx.pathParam("file");
    return find(ctx).compose(render -> {
      JsonObject file = render.files().getJsonObject(name);
      return file != null ? Future.succeededFuture(file)
          : Future.failedFuture(Problem.notFound("render " + render.jobId() + " has no file '" + name
              + "' (it has: " + String.join(", ", render.files().fieldNames()) + ")"));
    });
  }

  private Future<RenderRepository.Render> find(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String ref = ctx.pathParam("jobId");
    return jobs.succeeded(projectId, ref, JobKind.RENDER, "render")
        .compose(job -> renders.find(projectId, job.id()).compose(found -> found.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("job " + ref + " has no render")))));
  }
}
