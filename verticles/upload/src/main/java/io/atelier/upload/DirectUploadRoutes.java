package io.atelier.upload;

import io.atelier.database.Upload;
import io.atelier.database.UploadRepository;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Browser uploads straight to S3, for very large files: the endpoints Uppy's {@code @uppy/aws-s3} plugin (multipart
 * mode) expects of Companion, with Companion's request and response shapes, under {@code /files/s3/}: point the
 * plugin's {@code endpoint} at {@code <origin>/files}. The browser sends each part to S3 with a presigned PUT; when
 * the parts are joined, the upload becomes an asset by the same completion as a tus upload.
 *
 * <p>The {@code key} handed to the client is the upload's id, not the S3 key: a client can only name uploads of its
 * own project, and never an object key. The {@code uploadId} in the path must be that upload's.
 */
final class DirectUploadRoutes {

  static final String PREFIX = TusRoutes.PREFIX + "s3/multipart";
  private static final Duration PART_LINK = Duration.ofHours(1);
  private static final long MAX_JSON_BODY = 1 << 20;

  private final UploadConfig config;
  private final UploadRepository uploads;
  private final ObjectStorage storage;
  private final UploadCompletion completion;
  private final Starts starts;

  /** How an upload is started: {@link TusRoutes#start}. */
  interface Starts {
    Future<Upload> start(UUID projectId, Long length, JsonObject metadata, long partSize);
  }

  DirectUploadRoutes(UploadConfig config, UploadRepository uploads, ObjectStorage storage,
                     UploadCompletion completion, Starts starts) {
    this.starts = starts;
    this.config = config;
    this.uploads = uploads;
    this.storage = storage;
    this.completion = completion;
  }

  /** Mounted after {@link TusRoutes}' authentication, which puts the project in the context. */
  void mount(Router router) {
    router.post(PREFIX).handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BODY)).handler(this::create);
    router.get(PREFIX + "/:uploadId").handler(this::listParts);
    router.get(PREFIX + "/:uploadId/batch").handler(this::signBatch);
    router.get(PREFIX + "/:uploadId/:partNumber").handler(this::signPart);
    router.post(PREFIX + "/:uploadId/complete").handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BODY))
        .handler(this::complete);
    router.delete(PREFIX + "/:uploadId").handler(this::abort);
  }

  /** {@code {filename, type, metadata}} → {@code {key, uploadId}} ({@code metadata.pipeline} as tus's). */
  private void create(RoutingContext ctx) {
    JsonObject body = json(ctx);
    UUID projectId = UploadAuthentication.project(ctx);
    String filename = body.getValue("filename") instanceof String s ? s : null;
    JsonObject metadata = new JsonObject();
    if (filename != null) {
      metadata.put("filename", java.util.Base64.getEncoder().encodeToString(filename.getBytes(
          java.nio.charset.StandardCharsets.UTF_8)));
    }
    if (body.getValue("metadata") instanceof JsonObject given && given.getValue("pipeline") instanceof String p) {
      metadata.put(UploadPipeline.METADATA_KEY, java.util.Base64.getEncoder().encodeToString(p.getBytes(
          java.nio.charset.StandardCharsets.UTF_8)));
    }
    UploadPipeline.steps(metadata);
    // The client picks its part sizes; the row's is only S3's smallest.
    starts.start(projectId, null, metadata, UploadConfig.MIN_PART_BYTES)
        .onSuccess(created -> ctx.json(new JsonObject().put("key", created.id().toString())
            .put("uploadId", created.multipartId())))
        .onFailure(ctx::fail);
  }

  /** {@code ?key=} → {@code [{PartNumber, ETag, Size}]}, as S3 lists them. */
  private void listParts(RoutingContext ctx) {
    find(ctx).compose(upload -> storage.listParts(upload.storageKey(), upload.multipartId()))
        .onSuccess(parts -> {
          JsonArray listed = new JsonArray();
          parts.forEach(p -> listed.add(new JsonObject().put("PartNumber", p.number()).put("ETag", p.etag())
              .put("Size", p.size())));
          ctx.json(listed);
        })
        .onFailure(ctx::fail);
  }

  /** {@code ?key=&partNumbers=1,2,3} → {@code {presignedUrls: {"1": url, ...}}}. */
  private void signBatch(RoutingContext ctx) {
    String raw = ctx.request().getParam("partNumbers");
    if (raw == null || raw.isBlank()) {
      throw TusException.badRequest("send partNumbers=1,2,3: the parts to sign");
    }
    List<Integer> numbers = new ArrayList<>();
    for (String number : raw.split(",")) {
      numbers.add(partNumber(number));
    }
    findToSign(ctx).onSuccess(upload -> {
      JsonObject urls = new JsonObject();
      numbers.forEach(n -> urls.put(Integer.toString(n), storage.presignUploadPart(upload.storageKey(),
          upload.multipartId(), n, PART_LINK)));
      ctx.json(new JsonObject().put("presignedUrls", urls));
    }).onFailure(ctx::fail);
  }

  /** {@code ?key=} → {@code {url, expires}} for one part. */
  private void signPart(RoutingContext ctx) {
    int number = partNumber(ctx.pathParam("partNumber"));
    findToSign(ctx).onSuccess(upload -> ctx.json(new JsonObject()
        .put("url", storage.presignUploadPart(upload.storageKey(), upload.multipartId(), number, PART_LINK))
        .put("expires", PART_LINK.toSeconds()))).onFailure(ctx::fail);
  }

  /**
   * {@code ?key=} and {@code {parts: [{PartNumber, ETag}]}}: the parts joined, then the upload completed into its
   * asset → {@code {location, key, assetId, pipelineId}} (location: the asset in the API).
   */
  private void complete(RoutingContext ctx) {
    JsonObject body = json(ctx);
    if (!(body.getValue("parts") instanceof JsonArray given) || given.isEmpty()) {
      throw TusException.badRequest("parts must be an array of {PartNumber, ETag} objects, in ascending order");
    }
    List<ObjectStorage.Part> parts = new ArrayList<>();
    int previous = 0;
    for (Object item : given) {
      if (!(item instanceof JsonObject part) || !(part.getValue("PartNumber") instanceof Integer number)
          || !(part.getValue("ETag") instanceof String etag) || number <= previous || number > 10_000) {
        throw TusException.badRequest("parts must be an array of {PartNumber, ETag} objects, in ascending order");
      }
      parts.add(new ObjectStorage.Part(number, etag));
      previous = number;
    }
    UUID token = UUID.randomUUID();
    find(ctx)
        .compose(upload -> storage.completeMultipart(upload.storageKey(), upload.multipartId(), parts)
            .recover(e -> Future.failedFuture(TusException.badRequest("S3 would not join those parts: "
                + e.getMessage())))
            .compose(v -> storage.size(upload.storageKey()))
            .compose(size -> uploads.joined(upload.projectId(), upload.id(), size, token,
                Duration.ofSeconds(config.leaseSeconds())))
            .compose(joined -> joined.isEmpty()
                ? Future.failedFuture(TusException.conflict("the upload is no longer receiving"))
                : completion.finish(upload.id(), token)))
        .onSuccess(completed -> ctx.json(new JsonObject().put("location", "/v1/assets/" + completed.assetId())
            .put("key", ctx.request().getParam("key"))
            .put("assetId", completed.assetId().toString())
            .put("pipelineId", completed.pipelineId() == null ? null : completed.pipelineId().toString())))
        .onFailure(ctx::fail);
  }

  /** {@code ?key=} → {@code {}}: the parts discarded, the upload terminated. */
  private void abort(RoutingContext ctx) {
    find(ctx).compose(upload -> uploads.terminate(upload.projectId(), upload.id())
            .compose(ended -> storage.abortMultipart(upload.storageKey(), upload.multipartId())))
        .onSuccess(v -> ctx.json(new JsonObject()))
        .onFailure(ctx::fail);
  }

  /** The request's upload: {@code ?key=} names it (its id), in the request's project, with the path's uploadId. */
  /**
   * The upload whose parts the client is about to send: each signing counts as activity, so the upload expires
   * {@code upload.expirySeconds} after the last part signed, as a tus upload does after its last PATCH.
   */
  private Future<Upload> findToSign(RoutingContext ctx) {
    return find(ctx).compose(upload -> uploads.extendExpiry(upload.id(), Duration.ofSeconds(config.expirySeconds()))
        .compose(extended -> extended ? Future.succeededFuture(upload)
            : Future.failedFuture(TusException.conflict("the upload is no longer receiving"))));
  }

  private Future<Upload> find(RoutingContext ctx) {
    String key = ctx.request().getParam("key");
    Optional<UUID> id;
    try {
      id = key == null ? Optional.empty() : Optional.of(UUID.fromString(key));
    } catch (IllegalArgumentException e) {
      id = Optional.empty();
    }
    if (id.isEmpty()) {
      return Future.failedFuture(TusException.badRequest("send ?key=<the key the upload was created with>"));
    }
    String uploadId = ctx.pathParam("uploadId");
    UUID wanted = id.get();
    return uploads.find(UploadAuthentication.project(ctx), wanted).compose(found -> {
      if (found.isEmpty() || !found.get().multipartId().equals(uploadId)) {
        return Future.failedFuture(TusException.notFound("no upload " + wanted + " with that uploadId in this "
            + "project"));
      }
      if (!Upload.RECEIVING.equals(found.get().state())) {
        return Future.failedFuture(TusException.conflict("the upload is " + found.get().state()));
      }
      return Future.succeededFuture(found.get());
    });
  }

  private static int partNumber(String raw) {
    try {
      int number = Integer.parseInt(raw.trim());
      if (number >= 1 && number <= 10_000) {
        return number;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw TusException.badRequest("a part number is 1..10000, was '" + raw + "'");
  }

  private static JsonObject json(RoutingContext ctx) {
    try {
      return ctx.body() == null || ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw TusException.badRequest("the body is not a JSON object");
    }
  }
}
