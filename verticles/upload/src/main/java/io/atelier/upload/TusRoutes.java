package io.atelier.upload;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.ProjectQuotas;
import io.atelier.database.Upload;
import io.atelier.database.UploadRepository;
import io.atelier.storage.ObjectKeys;
import io.atelier.storage.ObjectStorage;
import io.atelier.tokens.AccessTokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tus 1.0.0 at {@code /files/}: OPTIONS (no authentication, as browsers preflight), POST (creation, with an upload
 * in its body or a deferred length), HEAD, PATCH and DELETE (termination). Every other request needs
 * {@code Tus-Resumable: 1.0.0} and, as {@code Authorization: Bearer}, the project's API key or an upload token.
 */
final class TusRoutes {

  static final String PREFIX = "/files/";
  private static final Logger LOG = LoggerFactory.getLogger(TusRoutes.class);
  private static final String ASSET_HEADER = "Atelier-Asset-Id";
  private static final long COMPLETION_POLL_MILLIS = 200;
  private static final String PIPELINE_HEADER = "Atelier-Pipeline-Id";

  private final Vertx vertx;
  private final UploadConfig config;
  private final UploadRepository uploads;
  private final UploadAuthentication authentication;
  private final UploadRateLimit rateLimit;
  private final ObjectStorage storage;
  private final UploadCompletion completion;
  private final UploadMetrics metrics;
  private final ProjectQuotas quotas;
  /** Enough for two PATCHes at full speed; more PATCHes than that get new buffers, which the GC takes back. */
  private final PartBuffers partBuffers;
  private final DirectUploadRoutes direct;

  TusRoutes(Vertx vertx, UploadConfig config, UploadRepository uploads, ApiKeyRepository keys, AccessTokens tokens,
            UploadRateLimit rateLimit, ObjectStorage storage, UploadCompletion completion, UploadMetrics metrics,
            ProjectQuotas quotas) {
    this.rateLimit = rateLimit;
    this.quotas = quotas;
    this.metrics = metrics;
    this.partBuffers = new PartBuffers(2 * (config.partsInFlight() + 2));
    this.direct = new DirectUploadRoutes(config, uploads, storage, completion, this::start);
    this.authentication = new UploadAuthentication(keys, tokens);
    this.vertx = vertx;
    this.config = config;
    this.uploads = uploads;
    this.storage = storage;
    this.completion = completion;
  }

  void mount(Router router) {
    router.options(PREFIX + "*").handler(this::options);
    router.route(PREFIX + "*").handler(this::checkVersion).handler(authentication).handler(rateLimit);
    direct.mount(router);
    router.post(PREFIX).handler(this::create);
    router.head(PREFIX + ":id").handler(this::head);
    router.patch(PREFIX + ":id").handler(this::patch);
    router.delete(PREFIX + ":id").handler(this::terminate);
    router.route(PREFIX + "*").handler(ctx -> ctx.fail(new TusException(405, "Method not allowed",
        ctx.request().method() + " is not part of tus here: use OPTIONS, POST, HEAD, PATCH or DELETE")));
    router.route(PREFIX + "*").failureHandler(this::answerFailure);
  }

  private void options(RoutingContext ctx) {
    ctx.response().setStatusCode(204)
        .putHeader(TusProtocol.RESUMABLE, TusProtocol.VERSION)
        .putHeader("Tus-Version", TusProtocol.VERSION)
        .putHeader("Tus-Extension", TusProtocol.EXTENSIONS)
        .putHeader("Tus-Max-Size", Long.toString(config.maxBytes()))
        .putHeader("Tus-Checksum-Algorithm", TusProtocol.CHECKSUM_ALGORITHMS)
        .end();
  }

  private void checkVersion(RoutingContext ctx) {
    // Hold the body until the route that reads it is there (authentication is asynchronous).
    ctx.request().pause();
    if (ctx.request().path().startsWith(DirectUploadRoutes.PREFIX)) {
      // Uppy's S3 requests are not tus.
      ctx.next();
      return;
    }
    String version = ctx.request().getHeader(TusProtocol.RESUMABLE);
    if (!TusProtocol.VERSION.equals(version)) {
      ctx.response().putHeader("Tus-Version", TusProtocol.VERSION);
      ctx.fail(new TusException(412, "Precondition failed", version == null
          ? "send Tus-Resumable: 1.0.0 with every request but OPTIONS"
          : "Tus-Resumable " + version + " is not supported; this server speaks " + TusProtocol.VERSION));
      return;
    }
    ctx.next();
  }

  private void create(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    UUID projectId = UploadAuthentication.project(ctx);
    Long length = TusProtocol.number(TusProtocol.LENGTH, request.getHeader(TusProtocol.LENGTH));
    String defer = request.getHeader(TusProtocol.DEFER_LENGTH);
    if (defer != null && !defer.trim().equals("1")) {
      throw TusException.badRequest("Upload-Defer-Length may only be 1");
    }
    if ((length == null) == (defer == null)) {
      throw TusException.badRequest(length == null
          ? "send Upload-Length, or Upload-Defer-Length: 1 to declare the length later"
          : "send Upload-Length or Upload-Defer-Length, not both");
    }
    if (length != null && length == 0) {
      throw TusException.badRequest("an empty file is not a recording: Upload-Length must be at least 1");
    }
    if (length != null && length > config.maxBytesOf(projectId)) {
      throw new TusException(413, "Request entity too large", "Upload-Length " + length + " is over this project's "
          + config.maxBytesOf(projectId) + " bytes (upload.maxBytes, or upload.projects.<id>.maxBytes)");
    }
    JsonObject metadata = TusProtocol.metadata(request.getHeader(TusProtocol.METADATA));
    // The type the client declares is only a hint, checked again on the bytes: refused early when it is not allowed.
    String declaredType = TusProtocol.metadataValue(metadata, "filetype");
    if (declaredType != null && !declaredType.isBlank() && !config.allows(projectId, declaredType.trim())) {
      throw new TusException(415, "Unsupported media type", "this project takes " + config.allowedTypesOf(projectId)
          + ", not " + declaredType.trim());
    }
    UploadPipeline.steps(metadata);
    boolean withBody = hasBody(request);
    if (withBody) {
      checkContentType(request);
    }
    start(projectId, length, metadata, config.partSize(length))
        .onSuccess(created -> {
          HttpServerResponse response = ctx.response()
              .putHeader(HttpHeaders.LOCATION, PREFIX + created.id())
              .putHeader(TusProtocol.RESUMABLE, TusProtocol.VERSION)
              .putHeader(TusProtocol.EXPIRES, httpDate(created.expiresAt()));
          if (!withBody) {
            request.resume();
            response.setStatusCode(201).end();
            return;
          }
          receive(ctx, created, 0, null).onSuccess(outcome -> {
            response.putHeader(TusProtocol.OFFSET, Long.toString(outcome.offset()));
            completed(response, outcome);
            response.setStatusCode(201).end();
          }).onFailure(ctx::fail);
        })
        .onFailure(ctx::fail);
  }

  /**
   * A new upload: an S3 multipart upload into the object its asset will have, and its row. Its asset's id is decided
   * now, so the object's key never changes.
   */
  Future<Upload> start(UUID projectId, Long length, JsonObject metadata, long partSize) {
    UUID assetId = UUID.randomUUID();
    String key = ObjectKeys.of(projectId, ObjectKeys.Folder.ASSETS, assetId, "original");
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(config.expirySeconds());
    // A length declared later is not checked against the project's storage quota: it is bounded by deferredMaxBytes.
    Future<Void> withinQuota = length == null ? Future.succeededFuture()
        : quotas.checkStoredBytes(projectId, length).compose(exceeded -> exceeded.isEmpty() ? Future.succeededFuture()
            : Future.failedFuture(new TusException(413, "Quota exceeded", exceeded.get().detail())));
    return withinQuota.compose(v -> storage.createMultipart(key, "application/octet-stream"))
        .compose(multipartId -> uploads.insert(new Upload(UUID.randomUUID(), projectId, Upload.RECEIVING, length, 0,
            metadata, partSize, key, multipartId, 1, null, null, 0, null, null, assetId, null, null, expires, null)));
  }

  private void head(RoutingContext ctx) {
    ctx.request().resume();
    find(ctx).onSuccess(upload -> {
      HttpServerResponse response = ctx.response().setStatusCode(200)
          .putHeader(TusProtocol.RESUMABLE, TusProtocol.VERSION)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader(TusProtocol.OFFSET, Long.toString(upload.offset()));
      if (upload.length() == null) {
        response.putHeader(TusProtocol.DEFER_LENGTH, "1");
      } else {
        response.putHeader(TusProtocol.LENGTH, Long.toString(upload.length()));
      }
      if (!upload.metadata().isEmpty()) {
        response.putHeader(TusProtocol.METADATA, TusProtocol.metadataHeader(upload.metadata()));
      }
      if (Upload.RECEIVING.equals(upload.state())) {
        response.putHeader(TusProtocol.EXPIRES, httpDate(upload.expiresAt()));
      }
      if (Upload.COMPLETE.equals(upload.state())) {
        response.putHeader(ASSET_HEADER, upload.assetId().toString());
        if (upload.pipelineId() != null) {
          response.putHeader(PIPELINE_HEADER, upload.pipelineId().toString());
        }
      }
      response.end();
    }).onFailure(ctx::fail);
  }

  private void patch(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    checkContentType(request);
    Long offset = TusProtocol.number(TusProtocol.OFFSET, request.getHeader(TusProtocol.OFFSET));
    if (offset == null) {
      throw TusException.badRequest("send Upload-Offset: the offset this body starts at (HEAD gives it)");
    }
    Long declared = TusProtocol.number(TusProtocol.LENGTH, request.getHeader(TusProtocol.LENGTH));
    TusProtocol.Checksum checksum = TusProtocol.checksum(request.getHeader(TusProtocol.CHECKSUM));
    find(ctx).compose(upload -> {
      if (declared != null) {
        if (upload.length() != null && !upload.length().equals(declared)) {
          return Future.failedFuture(TusException.badRequest("Upload-Length was declared already, as "
              + upload.length()));
        }
        if (declared < upload.offset() || declared > config.deferredMaxBytes() || declared == 0) {
          return Future.failedFuture(TusException.badRequest("Upload-Length " + declared + " must be 1.."
              + config.deferredMaxBytes() + " and no less than the offset " + upload.offset()));
        }
      }
      if (upload.offset() != offset) {
        return Future.failedFuture(TusException.conflict("Upload-Offset is " + offset + " but the upload is at "
            + upload.offset() + "; HEAD it and send from there"));
      }
      if (!Upload.RECEIVING.equals(upload.state())) {
        return Future.failedFuture(TusException.conflict("the upload is " + upload.state() + "; it takes no more bytes"));
      }
      return receive(ctx, upload, offset, checksum, upload.length() == null ? declared : null);
    }).onSuccess(outcome -> {
      HttpServerResponse response = ctx.response().setStatusCode(204)
          .putHeader(TusProtocol.RESUMABLE, TusProtocol.VERSION)
          .putHeader(TusProtocol.OFFSET, Long.toString(outcome.offset()));
      completed(response, outcome);
      response.end();
    }).onFailure(ctx::fail);
  }

  private Future<PatchReceiver.Outcome> receive(RoutingContext ctx, Upload upload, long offset,
                                                TusProtocol.Checksum checksum) {
    return receive(ctx, upload, offset, checksum, null);
  }

  /** Takes the lease and reads the body into the upload; 423 while another PATCH holds it. */
  private Future<PatchReceiver.Outcome> receive(RoutingContext ctx, Upload upload, long offset,
                                                TusProtocol.Checksum checksum, Long declared) {
    UUID token = UUID.randomUUID();
    return uploads.takeLease(upload.projectId(), upload.id(), offset, token,
            Duration.ofSeconds(config.leaseSeconds()))
        .compose(leased -> {
          if (leased.isEmpty()) {
            return Future.failedFuture(new TusException(423, "Locked", "another PATCH to this upload is in progress,"
                + " or the upload moved on; HEAD it and try again"));
          }
          return new PatchReceiver(vertx, config, uploads, storage, completion, metrics, partBuffers, ctx.request(),
              leased.get(), token, checksum, declared).receive();
        });
  }

  private void terminate(RoutingContext ctx) {
    ctx.request().resume();
    UUID projectId = UploadAuthentication.project(ctx);
    Optional<UUID> id = uploadId(ctx);
    if (id.isEmpty()) {
      throw TusException.notFound("no upload " + ctx.pathParam("id"));
    }
    uploads.terminate(projectId, id.get()).compose(ended -> {
      if (ended.isEmpty()) {
        return find(ctx).compose(upload -> Future.failedFuture(new TusException(409, "Conflict",
            "the upload is " + upload.state() + "; only an upload still receiving can be terminated")));
      }
      Upload upload = ended.get();
      storage.abortMultipart(upload.storageKey(), upload.multipartId())
          .compose(v -> upload.tailKey() == null ? Future.succeededFuture() : storage.delete(upload.tailKey()))
          .onFailure(e -> LOG.warn("upload={} terminated, but its parts were not all deleted: {}", upload.id(),
              e.toString()));
      return Future.succeededFuture();
    }).onSuccess(v -> ctx.response().setStatusCode(204).putHeader(TusProtocol.RESUMABLE, TusProtocol.VERSION).end())
        .onFailure(ctx::fail);
  }

  /**
   * The upload of this request's project, or 404 (unknown, or another project's) / 410 (terminated, expired, or
   * refused as not media). An upload whose completion a dead node left unfinished is finished first.
   */
  private Future<Upload> find(RoutingContext ctx) {
    UUID projectId = UploadAuthentication.project(ctx);
    Optional<UUID> id = uploadId(ctx);
    if (id.isEmpty()) {
      return Future.failedFuture(TusException.notFound("no upload " + ctx.pathParam("id")));
    }
    return uploads.find(projectId, id.get()).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(TusException.notFound("no upload " + id.get() + " in this project"));
      }
      Upload upload = found.get();
      switch (upload.state()) {
        case Upload.TERMINATED -> {
          return Future.failedFuture(TusException.gone("the upload was terminated"));
        }
        case Upload.EXPIRED -> {
          return Future.failedFuture(TusException.gone("the upload expired before it was complete"));
        }
        case Upload.FAILED -> {
          return Future.failedFuture(TusException.gone("the upload was refused: " + upload.error()));
        }
        case Upload.RECEIVING -> {
          if (upload.expiresAt().isBefore(OffsetDateTime.now())) {
            return Future.failedFuture(TusException.gone("the upload expired before it was complete"));
          }
          return Future.succeededFuture(upload);
        }
        case Upload.COMPLETING -> {
          return finishLeftOver(upload);
        }
        default -> {
          return Future.succeededFuture(upload);
        }
      }
    });
  }

  /**
   * Finishes a completion nobody holds (its node died). One that another request holds is waited for, up to twice the
   * lease: a client whose completing PATCH lost its connection asks with HEAD, finds every byte in, and takes the
   * upload as done, so the answer must name the asset. If the holder dies meanwhile, its lease runs out and this
   * request finishes the completion itself.
   */
  private Future<Upload> finishLeftOver(Upload upload) {
    long deadline = System.nanoTime() + Duration.ofSeconds(2L * config.leaseSeconds()).toNanos();
    return finishOrAwait(upload, deadline);
  }

  private Future<Upload> finishOrAwait(Upload upload, long deadline) {
    UUID token = UUID.randomUUID();
    return uploads.takeUnfinishedCompletion(upload.id(), token, Duration.ofSeconds(config.leaseSeconds()))
        .compose(taken -> {
          if (!taken.isEmpty()) {
            return completion.finish(upload.id(), token)
                .compose(done -> uploads.find(upload.projectId(), upload.id()).map(Optional::orElseThrow));
          }
          if (System.nanoTime() > deadline) {
            return Future.succeededFuture(upload);
          }
          Promise<Upload> later = Promise.promise();
          vertx.setTimer(COMPLETION_POLL_MILLIS, t -> uploads.find(upload.projectId(), upload.id())
              .compose(now -> now.isPresent() && Upload.COMPLETING.equals(now.get().state())
                  ? finishOrAwait(now.get(), deadline) : Future.succeededFuture(now.orElse(upload)))
              .onComplete(later));
          return later.future();
        });
  }

  /** What a PATCH's answer says beside the offset: the asset it completed into, or when the upload now expires. */
  private static void completed(HttpServerResponse response, PatchReceiver.Outcome outcome) {
    if (outcome.completed() == null && outcome.expiresAt() != null) {
      response.headers().set(TusProtocol.EXPIRES, httpDate(outcome.expiresAt()));
    }
    if (outcome.completed() != null) {
      response.putHeader(ASSET_HEADER, outcome.completed().assetId().toString());
      if (outcome.completed().pipelineId() != null) {
        response.putHeader(PIPELINE_HEADER, outcome.completed().pipelineId().toString());
      }
    }
  }

  private static Optional<UUID> uploadId(RoutingContext ctx) {
    try {
      return Optional.of(UUID.fromString(ctx.pathParam("id")));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null ? !length.trim().equals("0") : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  private static void checkContentType(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.trim().toLowerCase(java.util.Locale.ROOT).startsWith(TusProtocol.OCTET_STREAM)) {
      throw new TusException(415, "Unsupported media type", "a body that carries an upload's bytes has Content-Type "
          + TusProtocol.OCTET_STREAM + (type == null ? "" : ", not " + type));
    }
  }

  private static String httpDate(OffsetDateTime time) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC));
  }

  private void answerFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    TusException problem;
    if (failure instanceof TusException tus) {
      problem = tus;
    } else if (failure == null) {
      problem = new TusException(ctx.statusCode() > 0 ? ctx.statusCode() : 500, "Error", "the request failed");
    } else {
      LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      problem = new TusException(503, "Service unavailable", "the upload could not be stored just now ("
          + failure.getClass().getSimpleName() + "); retry from the offset HEAD gives");
    }
    if (!ctx.request().isEnded()) {
      // The body was not read: the connection cannot carry another request.
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      ctx.request().resume();
    }
    problem.answer(ctx.response(), ctx.request().path());
  }
}
