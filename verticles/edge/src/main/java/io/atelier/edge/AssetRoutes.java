package io.atelier.edge;

import io.atelier.database.Asset;
import io.atelier.database.AssetRepository;
import io.atelier.database.UploadRepository;
import io.atelier.jobs.PipelineRepository;
import io.atelier.tokens.AccessTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code POST /v1/assets} (multipart upload of a small media file), {@code GET /v1/assets/{id}}, and
 * {@code GET /v1/uploads/{id}} (a resumable upload's state; the uploads themselves are the upload verticle's).
 */
final class AssetRoutes {

  private final Vertx vertx;
  private final AssetRepository assets;
  private final UploadRepository uploads;
  private final AccessTokens tokens;
  private final StoredFiles files;
  private final AssetIntake intake;
  private final PipelineRepository pipelines;

  AssetRoutes(Vertx vertx, AssetRepository assets, UploadRepository uploads, AccessTokens tokens, AssetIntake intake,
              StoredFiles files, PipelineRepository pipelines) {
    this.pipelines = pipelines;
    this.tokens = tokens;
    this.files = files;
    this.vertx = vertx;
    this.assets = assets;
    this.uploads = uploads;
    this.intake = intake;
  }

  void mount(Router router, EdgeConfig config) {
    intake.mountMultipart(router, config, "/v1/assets", this::create);
    router.get("/v1/assets").handler(this::list);
    router.get("/v1/assets/:assetId").handler(this::get);
    router.get("/v1/assets/:assetId/content").handler(ctx -> find(ctx)
        .compose(asset -> files.send(ctx, asset.storageKey(), asset.contentType(), asset.filename()))
        .onFailure(ctx::fail));
    router.get("/v1/assets/:assetId/link").handler(ctx -> {
      java.time.Duration lifetime = StoredFiles.linkLifetime(ctx);
      find(ctx).onSuccess(asset -> ctx.json(files.link(asset.storageKey(), lifetime))).onFailure(ctx::fail);
    });
    router.post("/v1/uploads/tokens")
        .handler(this::issueUploadToken);
    router.get("/v1/uploads/:uploadId").handler(this::getUpload);
  }

  private void create(RoutingContext ctx) {
    TruncatedMultipartBodies.bodyRead(ctx);
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
      throw Problem.unsupportedMediaType("upload the file as multipart/form-data in a field named 'file'");
    }
    FileUpload upload = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst()
        .orElseThrow(() -> Problem.invalidField("file", "the multipart body has no field named 'file'"));
    if (upload.size() == 0) {
      throw Problem.invalidField("file", "the uploaded file is empty");
    }
    intake.store(ApiKeyAuthHandler.projectId(ctx), upload)
        .onSuccess(asset -> ctx.response()
            .setStatusCode(201)
            .putHeader(HttpHeaders.LOCATION, "/v1/assets/" + asset.id())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(asset.toApiJson().encode()))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /v1/assets?limit=&cursor=&q=}: the project's assets, newest first, a page at a time, those whose file
   * name holds {@code q} when it is given; each with its latest pipeline ({@code latestPipeline}, null when none).
   */
  private void list(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    Pages.Request page = Pages.request(ctx);
    String search = ctx.request().getParam("q");
    assets.list(projectId, page.after(), page.limit(), search)
        .compose(found -> pipelines.latestOf(projectId, found.assets().stream().map(Asset::id).toList())
            .map(latest -> Pages.body(found.assets().stream().map(asset -> asset.toApiJson()
                .put("latestPipeline", latest.containsKey(asset.id()) ? latest.get(asset.id()).toApiJson() : null))
                .toList(), found.next())))
        .onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    find(ctx).onSuccess(asset -> ctx.json(asset.toApiJson())).onFailure(ctx::fail);
  }

  /** The request's project's asset named in the path, or a 404 problem. */
  private Future<Asset> find(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String raw = ctx.pathParam("assetId");
    return Ids.parse(raw)
        .map(id -> assets.find(projectId, id))
        .orElseGet(() -> Future.succeededFuture(java.util.Optional.empty()))
        .compose(asset -> asset.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("no asset " + raw + " in this project"))));
  }

  /**
   * {@code POST /v1/uploads/tokens}: a short-lived token that opens {@code /files/} for the key's project, for a
   * browser that must not hold the API key ({@code Authorization: Bearer <token>} in its tus client).
   */
  private void issueUploadToken(RoutingContext ctx) {
    java.time.Instant expiresAt = TokenRequests.expiry(ctx, TokenRequests.body(ctx), tokens::expiry);
    ctx.response().setStatusCode(201);
    ctx.json(new JsonObject().put("token", tokens.issueUploadToken(ApiKeyAuthHandler.projectId(ctx),
        ApiKeyAuthHandler.tokenHolder(ctx), expiresAt))
        .put("expiresAt", expiresAt.toString()).put("endpoint", "/files/"));
  }

  /** A resumable upload's state and offset, and its asset once it is complete. */
  private void getUpload(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String raw = ctx.pathParam("uploadId");
    Ids.parse(raw).map(id -> uploads.find(projectId, id))
        .orElseGet(() -> Future.succeededFuture(java.util.Optional.empty()))
        .onSuccess(upload -> {
          if (upload.isEmpty()) {
            ctx.fail(Problem.notFound("no upload " + raw + " in this project"));
          } else {
            ctx.json(upload.get().toApiJson());
          }
        }).onFailure(ctx::fail);
  }
}
