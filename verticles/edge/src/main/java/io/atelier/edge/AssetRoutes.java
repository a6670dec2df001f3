package io.atelier.edge;

import io.atelier.database.Asset;
import io.atelier.database.AssetRepository;
import io.atelier.storage.ObjectKeys;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** {@code POST /v1/assets} (multipart upload of a media file) and {@code GET /v1/assets/{id}}. */
final class AssetRoutes {

  private final Vertx vertx;
  private final AssetRepository assets;
  private final ObjectStorage storage;
  private final MediaSniffer sniffer = new MediaSniffer();

  AssetRoutes(Vertx vertx, AssetRepository assets, ObjectStorage storage) {
    this.vertx = vertx;
    this.assets = assets;
    this.storage = storage;
  }

  void mount(Router router, EdgeConfig config) {
    router.post("/v1/assets")
        .handler(BodyHandler.create(config.uploadsDirectory())
            .setBodyLimit(config.maxUploadBytes())
            .setDeleteUploadedFilesOnEnd(true)
            .setHandleFileUploads(true))
        .handler(this::create);
    router.get("/v1/assets/:assetId").handler(this::get);
  }

  private void create(RoutingContext ctx) {
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
            .compose(ignored -> assets.insert(new Asset(assetId, projectId, safeFilename(upload.fileName()),
                inspected.contentType(), upload.size(), inspected.sha256(), storageKey, null))))
        .onSuccess(asset -> ctx.response()
            .setStatusCode(201)
            .putHeader(HttpHeaders.LOCATION, "/v1/assets/" + asset.id())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(asset.toApiJson().encode()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String raw = ctx.pathParam("assetId");
    Future<java.util.Optional<Asset>> found = Ids.parse(raw)
        .map(id -> assets.find(projectId, id))
        .orElseGet(() -> Future.succeededFuture(java.util.Optional.empty()));
    found.onSuccess(asset -> {
      if (asset.isEmpty()) {
        ctx.fail(Problem.notFound("no asset " + raw + " in this project"));
      } else {
        ctx.json(asset.get().toApiJson());
      }
    }).onFailure(ctx::fail);
  }

  private record Inspected(String contentType, String sha256) {
  }

  private Inspected inspect(Path file) throws IOException {
    String contentType = sniffer.sniff(file).orElseThrow(() -> {
      String seen;
      try {
        seen = sniffer.describe(file);
      } catch (IOException e) {
        seen = "unreadable";
      }
      return Problem.unsupportedMediaType("the file's bytes are " + seen + ", not a supported media format ("
          + MediaSniffer.acceptedFormats() + ")");
    });
    return new Inspected(contentType, sha256(file));
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private static String safeFilename(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String base = name.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "");
    return base.length() > 255 ? base.substring(0, 255) : base;
  }
}
