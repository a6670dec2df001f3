package io.atelier.edge;

import io.atelier.database.Asset;
import io.atelier.database.AssetRepository;
import io.atelier.database.ProjectQuotas;
import io.atelier.media.MediaInfo;
import io.atelier.media.MediaInspection;
import io.atelier.media.MediaSniffer;
import io.atelier.storage.ObjectKeys;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.Handler;
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
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A file posted in a multipart body becomes an asset: its bytes sniffed and probed (refused with a {@code 415} if
 * they are not media the mesh reads), stored in S3, then its row committed.
 */
final class AssetIntake {

  private final Vertx vertx;
  private final AssetRepository assets;
  private final ObjectStorage storage;
  private final ProjectQuotas quotas;
  private final MediaInspection inspection = new MediaInspection(Duration.ofSeconds(30));

  AssetIntake(Vertx vertx, AssetRepository assets, ObjectStorage storage, ProjectQuotas quotas) {
    this.vertx = vertx;
    this.assets = assets;
    this.storage = storage;
    this.quotas = quotas;
  }

  /**
   * Mounts {@code handler} for multipart POSTs to {@code path} with a file: the body goes to the uploads folder, up to
   * {@code edge.maxUploadBytes}, and a body cut short is answered (its handler calls
   * {@link TruncatedMultipartBodies#bodyRead} first).
   */
  void mountMultipart(Router router, EdgeConfig config, String path, Handler<RoutingContext> handler) {
    // A body its Content-Length says would pass the project's storage quota is refused before it is read.
    router.post(path).handler(ctx -> {
      String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length == null || !length.matches("[0-9]{1,18}")) {
        ctx.next();
        return;
      }
      quotas.checkStoredBytes(ApiKeyAuthHandler.projectId(ctx), Long.parseLong(length))
          .compose(Quotas::refuseIfExceeded)
          .onSuccess(v -> ctx.next())
          .onFailure(ctx::fail);
    });
    // A route of its own: Vert.x wants a route's body handler before any other of its handlers.
    router.post(path).handler(new TruncatedMultipartBodies(vertx));
    router.post(path)
        .handler(BodyHandler.create(config.uploadsDirectory())
            .setBodyLimit(config.maxUploadBytes())
            .setDeleteUploadedFilesOnEnd(true)
            .setHandleFileUploads(true))
        .handler(handler);
  }

  Future<Asset> store(UUID projectId, FileUpload upload) {
    UUID assetId = UUID.randomUUID();
    Path file = Path.of(upload.uploadedFileName());
    String storageKey = ObjectKeys.of(projectId, ObjectKeys.Folder.ASSETS, assetId, "original");
    // Checked again with the file's own size: a body without Content-Length was not checked before it came.
    return quotas.checkStoredBytes(projectId, upload.size())
        .compose(Quotas::refuseIfExceeded)
        .compose(v -> vertx.<Inspected>executeBlocking(() -> inspect(file), false))
        .compose(inspected -> storage.putFile(storageKey, file, inspected.contentType())
            .compose(ignored -> assets.insert(new Asset(assetId, projectId, Asset.cleanFilename(upload.fileName()),
                inspected.contentType(), upload.size(), inspected.sha256(), storageKey, inspected.media().toJson(),
                null))));
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
