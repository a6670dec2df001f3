package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.database.RenderRepository;
import io.atelier.jobs.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** {@code GET /v1/renders/{jobId}} (the files a render job made) and {@code GET /v1/renders/{jobId}/{file}}. */
final class RenderRoutes {

  private static final List<JobKind> RENDER_KINDS = Arrays.stream(JobKind.values()).filter(JobKind::isRender)
      .toList();

  private final JobLookup jobs;
  private final RenderRepository renders;
  private final StoredFiles files;

  RenderRoutes(JobRepository jobs, RenderRepository renders, StoredFiles files) {
    this.jobs = new JobLookup(jobs);
    this.renders = renders;
    this.files = files;
  }

  void mount(Router router) {
    router.get("/v1/renders/:jobId").handler(ctx -> {
      java.time.Duration lifetime = StoredFiles.linkLifetime(ctx);
      find(ctx).onSuccess(render -> ctx.json(withLinks(render, lifetime))).onFailure(ctx::fail);
    });
    router.get("/v1/renders/:jobId/:file").handler(ctx -> file(ctx)
        .compose(file -> files.send(ctx, file.getString("key"), file.getString("contentType"), null))
        .onFailure(ctx::fail));
    router.get("/v1/renders/:jobId/:file/link").handler(ctx -> {
      java.time.Duration lifetime = StoredFiles.linkLifetime(ctx);
      file(ctx).onSuccess(file -> ctx.json(files.link(file.getString("key"), lifetime))).onFailure(ctx::fail);
    });
  }

  /** The render with each file's presigned download link ({@code ?ttlSeconds=} sets how long they last). */
  private JsonObject withLinks(RenderRepository.Render render, java.time.Duration lifetime) {
    JsonObject json = render.toApiJson();
    JsonObject files = json.getJsonObject("files");
    render.files().forEach(e -> {
      JsonObject link = this.files.link(((JsonObject) e.getValue()).getString("key"), lifetime);
      files.getJsonObject(e.getKey()).put("downloadUrl", link.getString("url")).put("expiresAt",
          link.getString("expiresAt"));
    });
    return json;
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
    return jobs.succeeded(projectId, ref, RENDER_KINDS, "render")
        .compose(job -> renders.find(projectId, job.id()).compose(found -> found.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("job " + ref + " has no render")))));
  }
}
