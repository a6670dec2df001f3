package io.atelier.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Files in S3 (MinIO, S3Proxy or AWS). The SDK's synchronous client runs on a worker pool of its own, so no event
 * loop ever waits for S3 and Vert.x keeps its own Netty to itself. Parts of multipart uploads, the bulk of the bytes a
 * node sends, go by Vert.x's HTTP client instead (see {@link #uploadPart}).
 */
public final class ObjectStorage implements AutoCloseable {

  /** How long the presigned link of a part the node sends itself is good for: far longer than sending it takes. */
  private static final Duration PART_LINK = Duration.ofMinutes(15);
  /** Attempts at a part whose connection failed or that S3 refused as unavailable, as the SDK's standard retries. */
  private static final int PART_ATTEMPTS = 3;
  private static final long PART_RETRY_DELAY_MS = 100;
  /**
   * Both clients connect to S3 within this, and give up on a request that hears nothing from it for
   * {@link #SILENCE}: a silent S3 fails the call (the SDK tries again) instead of holding a worker thread for ever.
   * No limit on a whole call: an original of gigabytes takes as long as it takes to stream.
   */
  private static final Duration CONNECT = Duration.ofSeconds(10);
  private static final Duration SILENCE = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final S3Client client;
  private final S3Presigner presigner;
  private final HttpClient http;
  private final WorkerExecutor workers;
  private final String bucket;

  private ObjectStorage(Vertx vertx, S3Client client, S3Presigner presigner, HttpClient http, WorkerExecutor workers,
      String bucket) {
    this.vertx = vertx;
    this.client = client;
    this.presigner = presigner;
    this.http = http;
    this.workers = workers;
    this.bucket = bucket;
  }

  public static ObjectStorage create(Vertx vertx, S3Config config) {
    var builder = S3Client.builder()
        .region(Region.of(config.region()))
        .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT).socketTimeout(SILENCE))
        .forcePathStyle(config.pathStyle())
        // S3-compatible servers differ in their support of the newer default checksums; send them only when required.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(credentials(config))
        // More attempts than the SDK's three, further apart: a server that drops a connection as the node writes to
        // it (S3Proxy under load closed several in a row: "Error writing request body to server") is given a fresh
        // connection and time, rather than failing the upload within a second.
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(6).backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(200),
                Duration.ofSeconds(2))).build()));
    var presigner = S3Presigner.builder()
        .region(Region.of(config.region()))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build())
        .credentialsProvider(credentials(config));
    if (config.endpoint() != null && !config.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(config.endpoint()));
      presigner.endpointOverride(URI.create(config.endpoint()));
    }
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) CONNECT.toMillis())
            .setIdleTimeout((int) SILENCE.toSeconds()), new PoolOptions().setHttp1MaxSize(16));
    return new ObjectStorage(vertx, builder.build(), presigner.build(), http,
        vertx.createSharedWorkerExecutor("atelier-object-storage", 16), config.bucket());
  }

  private static AwsCredentialsProvider credentials(S3Config config) {
    if (config.accessKey() == null || config.accessKey().isBlank()) {
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
  }

  /** Succeeds when the bucket answers: what a node's readiness asks of object storage. */
  public Future<Void> reachable() {
    return run(() -> {
      client.headBucket(b -> b.bucket(bucket));
      return null;
    });
  }

  /** Creates the bucket unless it exists. */
  public Future<Void> ensureBucket() {
    return run(() -> {
      try {
        client.headBucket(b -> b.bucket(bucket));
      } catch (S3Exception missing) {
        try {
          client.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException raced) {
          // Another node created it between our two calls.
        }
      }
      return null;
    });
  }

  public Future<Void> putFile(String key, Path file, String contentType) {
    return run(() -> {
      client.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(file));
      return null;
    });
  }

  public Future<Void> putBytes(String key, byte[] bytes, String contentType) {
    return run(() -> {
      client.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
      return null;
    });
  }

  /** Stores the buffer's bytes as they are (no copy of them is made; nothing may change them until this is done). */
  public Future<Void> putBuffer(String key, Buffer bytes, String contentType) {
    return run(() -> {
      client.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), body(bytes, contentType));
      return null;
    });
  }

  /**
   * Appends the object's bytes to {@code target}, read straight into it; their count. Fails with
   * {@link ObjectNotFoundException} if there is none, and if the object holds more than {@code target} has room for.
   */
  public Future<Long> readInto(String key, io.netty.buffer.ByteBuf target) {
    return run(() -> {
      try (var in = client.getObject(b -> b.bucket(bucket).key(key))) {
        long read = 0;
        int n;
        while (target.isWritable() && (n = target.writeBytes(in, target.writableBytes())) > 0) {
          read += n;
        }
        if (!target.isWritable() && in.read() >= 0) {
          throw new IllegalStateException(key + " holds more than the " + read + " bytes there was room for");
        }
        return read;
      } catch (NoSuchKeyException e) {
        throw new ObjectNotFoundException(key);
      }
    });
  }

  /** The object's bytes; fails with {@link ObjectNotFoundException} if there is none. Meant for small objects. */
  public Future<Buffer> getBytes(String key) {
    return run(() -> {
      try {
        return Buffer.buffer(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
      } catch (NoSuchKeyException e) {
        throw new ObjectNotFoundException(key);
      }
    });
  }

  /** Bytes {@code from} to {@code to} (inclusive) of the object, fewer if it ends before. */
  public Future<Buffer> getRange(String key, long from, long to) {
    return run(() -> {
      try {
        return Buffer.buffer(client.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=" + from + "-" + to))
            .asByteArray());
      } catch (NoSuchKeyException e) {
        throw new ObjectNotFoundException(key);
      }
    });
  }

  /** A link that reads the object with a plain GET until {@code ttl} has passed; signed here, no request made. */
  public String presignGet(String key, Duration ttl) {
    return presigner.presignGetObject(b -> b.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket).key(key)))
        .url().toString();
  }

  /** A link that uploads part {@code number} of a multipart upload with a plain PUT of its bytes, until it expires. */
  public String presignUploadPart(String key, String uploadId, int number, Duration ttl) {
    return presigner.presignUploadPart(b -> b.signatureDuration(ttl).uploadPartRequest(p -> p.bucket(bucket).key(key)
        .uploadId(uploadId).partNumber(number))).url().toString();
  }

  /** A stored part as S3 lists it. */
  public record StoredPart(int number, String etag, long size) {
  }

  /** The parts of a multipart upload stored so far, in part order. */
  public Future<List<StoredPart>> listParts(String key, String uploadId) {
    return run(() -> {
      List<StoredPart> parts = new java.util.ArrayList<>();
      Integer marker = null;
      while (true) {
        Integer from = marker;
        var page = client.listParts(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumberMarker(from));
        page.parts().forEach(p -> parts.add(new StoredPart(p.partNumber(), p.eTag(), p.size())));
        if (!Boolean.TRUE.equals(page.isTruncated())) {
          return parts;
        }
        marker = page.nextPartNumberMarker();
      }
    });
  }

  /** The object's size in bytes. */
  public Future<Long> size(String key) {
    return run(() -> {
      try {
        return client.headObject(b -> b.bucket(bucket).key(key)).contentLength();
      } catch (NoSuchKeyException e) {
        throw new ObjectNotFoundException(key);
      }
    });
  }

  /** The SHA-256 of the object, read through once (hex). */
  public Future<String> sha256(String key) {
    return run(() -> {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      try (var in = client.getObject(b -> b.bucket(bucket).key(key))) {
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          digest.update(buffer, 0, n);
        }
      } catch (NoSuchKeyException e) {
        throw new ObjectNotFoundException(key);
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    });
  }

  /** Starts a multipart upload into {@code key}: its upload id. */
  public Future<String> createMultipart(String key, String contentType) {
    return run(() -> client.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId());
  }

  /**
   * Uploads part {@code number} (1..10000) of a multipart upload: its ETag, which completing the upload names. Nothing
   * may change the buffer's bytes until this is done.
   *
   * <p>The part is a plain PUT to a link the SDK presigns, sent by Vert.x's HTTP client: the bytes go from the buffer to
   * the socket as they are. Through the SDK over plain HTTP they were copied through its streams and signed chunk by
   * chunk (SigV4 streaming, a SHA-256 of every byte here and again in the S3 server), which cost more CPU than the
   * rest of an upload; a presigned request signs its line and host, as the browsers' direct uploads do, and TLS (or
   * the loopback) carries the bytes intact. Failed connections and 5xx answers are tried again, as the SDK would.
   */
  public Future<String> uploadPart(String key, String uploadId, int number, Buffer bytes) {
    // Signing is on the worker pool: the default credential chain may fetch credentials over the network.
    return run(() -> presignUploadPart(key, uploadId, number, PART_LINK)).compose(link -> sendPart(link, bytes, 1));
  }

  private Future<String> sendPart(String link, Buffer bytes, int attempt) {
    Future<String> sent = http.request(new RequestOptions().setMethod(HttpMethod.PUT).setAbsoluteURI(link)
            .setIdleTimeout(SILENCE.toMillis()))
        .compose(request -> request.send(bytes))
        .compose(ObjectStorage::partAnswer);
    if (attempt >= PART_ATTEMPTS) {
      return sent;
    }
    return sent.recover(failure -> {
      if (failure instanceof S3Exception refused && refused.statusCode() < 500) {
        return Future.failedFuture(failure);
      }
      return vertx.timer(PART_RETRY_DELAY_MS << (attempt - 1)).compose(t -> sendPart(link, bytes, attempt + 1));
    });
  }

  /** A part's answer: its ETag, or the S3 error it names, as the SDK raises it. */
  private static Future<String> partAnswer(HttpClientResponse response) {
    return response.body().compose(body -> {
      String etag = response.getHeader("ETag");
      if (response.statusCode() == 200 && etag != null) {
        return Future.succeededFuture(etag);
      }
      String xml = body.toString();
      String code = element(xml, "Code");
      String message = element(xml, "Message");
      var details = AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("S3").build();
      String text = "part upload answered " + response.statusCode() + (code == null ? "" : " " + code)
          + (message == null ? "" : ": " + message) + (response.statusCode() == 200 ? " without an ETag" : "");
      var builder = "NoSuchUpload".equals(code) ? NoSuchUploadException.builder() : S3Exception.builder();
      return Future.failedFuture(builder.statusCode(response.statusCode()).awsErrorDetails(details).message(text)
          .build());
    });
  }

  /** The text of the first {@code <name>} element of an S3 error document, if any. */
  private static String element(String xml, String name) {
    int start = xml.indexOf("<" + name + ">");
    int end = start < 0 ? -1 : xml.indexOf("</" + name + ">", start);
    return end < 0 ? null : xml.substring(start + name.length() + 2, end);
  }

  /** The buffer's bytes as a request body, read from the buffer as it is (each retry reads it again): no copy. */
  private static RequestBody body(Buffer bytes, String contentType) {
    io.netty.buffer.ByteBuf content = ((io.vertx.core.internal.buffer.BufferInternal) bytes).getByteBuf();
    return RequestBody.fromContentProvider(() -> new io.netty.buffer.ByteBufInputStream(content.duplicate()),
        content.readableBytes(), contentType);
  }

  /** One part of a multipart upload as completing it lists them. */
  public record Part(int number, String etag) {
  }

  /** Joins the parts, in the order given (ascending numbers), into the object. */
  public Future<Void> completeMultipart(String key, String uploadId, List<Part> parts) {
    return run(() -> {
      client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts.stream()
              .map(p -> CompletedPart.builder().partNumber(p.number()).eTag(p.etag()).build()).toList()).build()));
      return null;
    });
  }

  /** Discards a multipart upload and its parts; one already gone is not an error. */
  public Future<Void> abortMultipart(String key, String uploadId) {
    return run(() -> {
      try {
        client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      } catch (NoSuchUploadException gone) {
        // Completed, aborted before, or expired by the server.
      }
      return null;
    });
  }

  /** Streams the object into {@code target}, replacing it. */
  public Future<Path> download(String key, Path target) {
    return run(() -> {
      try (var in = client.getObject(b -> b.bucket(bucket).key(key))) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
      } catch (NoSuchKeyException e) {
        throw new ObjectNotFoundException(key);
      }
    });
  }

  /** Deletes the object; deleting one that does not exist is not an error. */
  public Future<Void> delete(String key) {
    return run(() -> {
      client.deleteObject(b -> b.bucket(bucket).key(key));
      return null;
    });
  }

  /** One object of a listing: its key and when it was last written. */
  public record StoredObject(String key, Instant lastModified) {
  }

  /** A page of a listing, and the token that continues it (null after the last page). */
  public record ObjectPage(List<StoredObject> objects, String continuation) {
  }

  /**
   * Up to {@code limit} (at most 1000) objects whose keys start with {@code prefix}, in key order; pass the page's
   * {@code continuation} for the next one, null for the first.
   */
  public Future<ObjectPage> list(String prefix, String continuation, int limit) {
    return run(() -> {
      var page = client.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(limit)
          .continuationToken(continuation));
      List<StoredObject> objects = page.contents().stream()
          .map(o -> new StoredObject(o.key(), o.lastModified()))
          .toList();
      return new ObjectPage(objects, Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null);
    });
  }

  public Future<Boolean> exists(String key) {
    return run(() -> {
      try {
        client.headObject(b -> b.bucket(bucket).key(key));
        return true;
      } catch (NoSuchKeyException e) {
        return false;
      } catch (S3Exception e) {
        if (e.statusCode() == 404) {
          return false;
        }
        throw e;
      }
    });
  }

  private <T> Future<T> run(Callable<T> call) {
    return workers.executeBlocking(call, false);
  }

  @Override
  public void close() {
    http.close();
    workers.close();
    presigner.close();
    client.close();
  }

  /** No object under the key. */
  public static final class ObjectNotFoundException extends RuntimeException {
    public ObjectNotFoundException(String key) {
      super("no object " + key);
    }
  }
}
