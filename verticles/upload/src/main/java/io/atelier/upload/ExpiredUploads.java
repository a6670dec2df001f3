package io.atelier.upload;

import io.atelier.database.Upload;
import io.atelier.database.UploadRepository;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * Ends the uploads that waited past their {@code Upload-Expires} for their next byte: each is marked expired (its
 * URL then answers 410) and its S3 multipart upload (with every part) and tail are deleted. A scheduled task.
 */
public final class ExpiredUploads {

  private static final int BATCH = 100;

  private final UploadRepository uploads;
  private final ObjectStorage storage;

  public ExpiredUploads(Pool pool, ObjectStorage storage) {
    this.uploads = new UploadRepository(pool);
    this.storage = storage;
  }

  /** Cleans every expired upload, a batch at a time: how many. */
  public Future<Integer> clean() {
    return cleanFrom(0);
  }

  private Future<Integer> cleanFrom(int done) {
    return uploads.expire(BATCH).compose(expired -> {
      Future<Void> chain = Future.succeededFuture();
      for (Upload upload : expired) {
        chain = chain.compose(v -> storage.abortMultipart(upload.storageKey(), upload.multipartId()))
            .compose(v -> upload.tailKey() == null ? Future.succeededFuture() : storage.delete(upload.tailKey()));
      }
      return chain.compose(v -> expired.size() == BATCH ? cleanFrom(done + BATCH)
          : Future.succeededFuture(done + expired.size()));
    });
  }
}
