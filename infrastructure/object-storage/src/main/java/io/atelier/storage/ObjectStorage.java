package io.atelier.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Files in S3 (MinIO, S3Proxy or AWS). The SDK's synchronous client runs on a worker pool of its own, so no event
 * loop ever waits for S3 and Vert.x keeps its own Netty to itself.
 */
public final class ObjectStorage implements AutoCloseable {

  private final S3Client client;
  private final WorkerExecutor workers;
  private final String bucket;

  private ObjectStorage(S3Client client, WorkerExecutor workers, String bucket) {
    this.client = client;
    this.workers = workers;
    this.bucket = bucket;
  }

  public static ObjectStorage create(Vertx vertx, S3Config config) {
    var builder = S3Client.builder()
        .region(Region.of(config.region()))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .forcePathStyle(config.pathStyle())
        // S3-compatible servers differ in their support of the newer default checksums; send them only when required.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(credentials(config));
    if (config.endpoint() != null && !config.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    return new ObjectStorage(builder.build(), vertx.createSharedWorkerExecutor("atelier-object-storage", 16), config.bucket());
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
    workers.close();
    client.close();
  }

  /** No object under the key. */
  public static final class ObjectNotFoundException extends RuntimeException {
    public ObjectNotFoundException(String key) {
      super("no object " + key);
    }
  }
}
