package io.atelier.edge;

import io.atelier.database.Asset;
import io.atelier.database.AssetRepository;
import io.atelier.database.UploadRepository;
import io.atelier.media.MediaInfo;
import io.atelier.media.MediaInspection;
import io.atelier.media.MediaSniffer;
import io.atelier.storage.ObjectKeys;
import io.atelier.storage.ObjectStorage;
import io.atelier.tokens.AccessTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * {@code POST /v1/assets} (multipart upload of a small media file), {@code GET /v1/assets/{id}}, and
 * {@code GET /v1/uploads/{id}} (a resumable upload's state; the uploads themselves are the upload verticle's).
 */
final class AssetRoutes {

  private static final String BODY_READ = "atelier.bodyRead";
  private static final int DEFAULT_PAGE = 20;
  private static final int MAX_PAGE = 100;
  private static final long TRUNCATION_CHECK_MILLIS = 100;
  private static final long TRUNCATION_GRACE_NANOS = 300_000_000L;

  private final Vertx vertx;
  private final AssetRepository assets;
  private final UploadRepository uploads;
  private final AccessTokens tokens;
  private final StoredFiles files;
  private final ObjectStorage storage;
  private final MediaInspection inspection = new MediaInspection(Duration.ofSeconds(30));

  AssetRoutes(Vertx vertx, AssetRepository assets, UploadRepository uploads, AccessTokens tokens,
              ObjectStorage storage, StoredFiles files) {
    this.tokens = tokens;
    this.files = files;
    this.vertx = vertx;
    this.assets = assets;
    this.uploads = uploads;
    this.storage = storage;
  }

  void mount(Router router, EdgeConfig config) {
    // A route of its own: Vert.x wants a route's body handler before any other of its handlers.
    router.post("/v1/assets").handler(this::answerTruncatedBodies);
    router.post("/v1/assets")
        .handler(BodyHandler.create(config.uploadsDirectory())
            .setBodyLimit(config.maxUploadBytes())
            .setDeleteUploadedFilesOnEnd(true)
            .setHandleFileUploads(true))
        .handler(this::create);
    router.get("/v1/assets").handler(this::list);
    router.get("/v1/assets/:assetId").handler(this::get);
    router.get("/v1/assets/:assetId/content").handler(ctx -> find(ctx)
        .compose(asset -> files.send(ctx, asset.storageKey(), asset.contentType(), asset.filename()))
        .onFailure(ctx::fail));
    router.get("/v1/assets/:assetId/link").handler(ctx -> {
      java.time.Duration lifetime = StoredFiles.linkLifetime(ctx);
      find(ctx).onSuccess(asset -> ctx.json(files.link(asset.storageKey(), lifetime))).onFailure(ctx::fail);
    });
    router.post("/v1/uploads/tokens").handler(BodyHandler.create(false).setBodyLimit(JobRoutes.MAX_JSON_BODY))
        .handler(this::issueUploadToken);
    router.get("/v1/uploads/:uploadId").handler(this::getUpload);
  }

  /**
   * BodyHandler waits for every file part of a multipart body to end, and a body cut before its closing boundary
   * leaves one that never does: without this, such a request would get no answer at all. Once the request has ended
   * and the body still has not been handed on, it is answered with a 400 (and its part file deleted with it).
   */
  private void answerTruncatedBodies(RoutingContext ctx) {
    long[] endedAt = {0};
    long timer = vertx.setPeriodic(TRUNCATION_CHECK_MILLIS, t -> {
      if (ctx.response().ended() || ctx.get(BODY_READ) != null) {
        vertx.cancelTimer(t);
      } else if (ctx.request().isEnded()) {
        if (endedAt[0] == 0) {
          endedAt[0] = System.nanoTime();
        } else if (System.nanoTime() - endedAt[0] > TRUNCATION_GRACE_NANOS) {
          vertx.cancelTimer(t);
          // BodyHandler deletes its part files once the body is complete; this one never will be.
          ctx.fileUploads().forEach(part -> vertx.fileSystem().delete(part.uploadedFileName()));
          ctx.fail(Problem.badRequest("the multipart body ended before its closing boundary: the file was cut short;"
              + " nothing was stored"));
        }
      }
    });
    ctx.addEndHandler(v -> vertx.cancelTimer(timer));
    ctx.next();
  }

  private void create(RoutingContext ctx) {
    ctx.put(BODY_READ, true);
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
      throw Problem.unsupportedMediaType("upload the file as multipart/form-data in a field named 'file'");
    }
    FileUpload upload = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst()
        .orElseThrow(() -> Problem.invalidField("file", "the multipart body has no field named 'file'"));
    if (upload.size() == 0) {
      throw Problem.invalidField("file", "the uploaded file is empty");
    }
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    UUID assetId = UUID.randomUUID();
    Path file = Path.of(upload.uploadedFileName());
    String storageKey = ObjectKeys.of(projectId, ObjectKeys.Folder.ASSETS, assetId, "original");
    vertx.<Inspected>executeBlocking(() -> inspect(file), false)
        .compose(inspected -> storage.putFile(storageKey, file, inspected.contentType())
            .compose(ignored -> assets.insert(new Asset(assetId, projectId, Asset.cleanFilename(upload.fileName()),
                inspected.contentType(), upload.size(), inspected.sha256(), storageKey, inspected.media().toJson(),
                null))))
        .onSuccess(asset -> ctx.response()
            .setStatusCode(201)
            .putHeader(HttpHeaders.LOCATION, "/v1/assets/" + asset.id())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(asset.toApiJson().encode()))
        .onFailure(ctx::fail);
  }

  /** {@code GET /v1/assets?limit=&cursor=}: the project's assets, newest first, a page at a time. */
  private void list(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String rawLimit = ctx.request().getParam("limit");
    int limit;
    try {
      limit = rawLimit == null ? DEFAULT_PAGE : Integer.parseInt(rawLimit);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_PAGE) {
      throw Problem.invalidField("limit", "limit must be a whole number from 1 to " + MAX_PAGE);
    }
    AssetRepository.Cursor after = decodeCursor(ctx.request().getParam("cursor"));
    assets.list(projectId, after, limit).onSuccess(page -> {
      JsonObject body = new JsonObject().put("items", new JsonArray(page.assets().stream().map(Asset::toApiJson)
          .toList()));
      body.put("nextCursor", page.next() == null ? null : encodeCursor(page.next()));
      ctx.json(body);
    }).onFailure(ctx::fail);
  }

  private static String encodeCursor(AssetRepository.Cursor cursor) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((cursor.createdAt().toInstant() + "|" + cursor.id())
        .getBytes(StandardCharsets.UTF_8));
  }

  private static AssetRepository.Cursor decodeCursor(String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8).split("\\|", 2);
      return new AssetRepository.Cursor(java.time.Instant.parse(parts[0]).atOffset(java.time.ZoneOffset.UTC),
          UUID.fromString(parts[1]));
    } catch (RuntimeException e) {
      throw Problem.invalidField("cursor", "cursor must be a nextCursor a previous page gave");
    }
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
    ApiKeyAuthHandler.requireWrite(ctx, "upload");
    JsonObject body = ctx.body() == null || ctx.body().length() <= 0 ? new JsonObject() : JobRoutes.jsonBody(ctx);
    java.time.Instant expiresAt = DocumentRoutes.expiry(tokens, body);
    ctx.response().setStatusCode(201);
    ctx.json(new JsonObject().put("token", tokens.issueUploadToken(ApiKeyAuthHandler.projectId(ctx), expiresAt))
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

  private record Inspected(String contentType, String sha256, MediaInfo media) {
  }

  private Inspected inspect(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(MediaSniffer.HEAD_BYTES);
    }
    MediaInspection.Result result = inspection.inspect(head, file::toString, type -> null);
    if (result.refused()) {
      throw Problem.unsupportedMediaType(result.refusal());
    }
    return new Inspected(result.contentType(), sha256(file), result.media());
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
