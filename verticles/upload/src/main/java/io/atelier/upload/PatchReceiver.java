package io.atelier.upload;

import io.atelier.database.Upload;
import io.atelier.database.UploadRepository;
import io.atelier.database.UploadRepository.Part;
import io.atelier.database.UploadRepository.Progress;
import io.atelier.storage.ObjectKeys;
import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PATCH (or the body of a creation-with-upload POST) of an upload whose lease it holds: the body streams into S3
 * parts of the upload's part size, one part uploading while the next fills (the request is paused when both are
 * full), so an upload holds about two parts in memory whatever its size. Bytes past the last whole part are kept as
 * the upload's tail, an object of its own, which the next PATCH continues.
 *
 * <p>Without a checksum, each part is recorded as soon as it is stored, so a dropped connection or a killed node
 * loses at most the part being filled; with one, nothing of the PATCH is recorded until the body has been checked,
 * so a mismatch discards it whole (its stored parts are never listed when the upload completes).
 */
final class PatchReceiver {

  private static final Logger LOG = LoggerFactory.getLogger(PatchReceiver.class);

  /** How a PATCH ended: the offset the upload is at, and what it became when it completed. */
  record Outcome(long offset, UploadCompletion.Completed completed) {
  }

  private final Vertx vertx;
  private final UploadConfig config;
  private final UploadRepository uploads;
  private final ObjectStorage storage;
  private final UploadCompletion completion;
  private final UploadMetrics metrics;
  private final HttpServerRequest request;
  private final Upload upload;
  private final UUID token;
  private final TusProtocol.Checksum checksum;
  private final Long declaredLength;
  private final Promise<Outcome> outcome = Promise.promise();

  /** The part being filled, and whole parts waiting for the one in flight (at most one: the body is paused). */
  private Buffer pending;
  private final List<Buffer> full = new ArrayList<>();
  private long partsBytes;
  private long bodyBytes;
  private SHA256Digest hash;
  private byte[] hashState;
  /** Parts stored by this PATCH and not yet recorded (with a checksum: all of them until the end). */
  private final List<Part> unrecorded = new ArrayList<>();
  private Future<Void> inFlight = Future.succeededFuture();
  /** The tail this PATCH started from, obsolete once a part or a new tail holds its bytes. */
  private String oldTail;
  private boolean finished;
  private long lastData = System.nanoTime();
  private long renewedAt = System.nanoTime();
  private long timer = -1;

  PatchReceiver(Vertx vertx, UploadConfig config, UploadRepository uploads, ObjectStorage storage,
                UploadCompletion completion, UploadMetrics metrics, HttpServerRequest request, Upload upload,
                UUID token, TusProtocol.Checksum checksum, Long declaredLength) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.config = config;
    this.uploads = uploads;
    this.storage = storage;
    this.completion = completion;
    this.request = request;
    this.upload = upload;
    this.token = token;
    this.checksum = checksum;
    this.declaredLength = declaredLength;
  }

  /** Reads the body (the request is paused until the tail is loaded); fails with a {@link TusException} to answer. */
  Future<Outcome> receive() {
    partsBytes = upload.partsBytes();
    hash = upload.sha256State() == null ? new SHA256Digest() : new SHA256Digest(upload.sha256State());
    hashState = upload.sha256State();
    oldTail = upload.tailKey();
    Future<Buffer> tail = upload.tailSize() == 0 ? Future.succeededFuture(Buffer.buffer())
        : storage.getBytes(upload.tailKey());
    metrics.started();
    tail.onSuccess(bytes -> {
      if (bytes.length() != upload.tailSize()) {
        fail(new IllegalStateException("the upload's tail holds " + bytes.length() + " bytes, its row says "
            + upload.tailSize()));
        return;
      }
      pending = Buffer.buffer((int) upload.partSize()).appendBuffer(bytes);
      request.handler(this::onData);
      request.endHandler(v -> onEnd());
      request.exceptionHandler(this::onBroken);
      timer = vertx.setPeriodic(1000, t -> keepLease());
      request.resume();
    }).onFailure(this::fail);
    return outcome.future();
  }

  private Long length() {
    return upload.length() != null ? upload.length() : declaredLength;
  }

  private void onData(Buffer chunk) {
    if (finished) {
      return;
    }
    lastData = System.nanoTime();
    Long length = length();
    if (length == null && upload.offset() + bodyBytes + chunk.length() > config.maxBytesOf(upload.projectId())) {
      finished = true;
      end(Future.failedFuture(new TusException(413, "Request entity too large", "the upload runs past this "
          + "project's " + config.maxBytesOf(upload.projectId()) + " bytes")), true);
      return;
    }
    if (length != null && upload.offset() + bodyBytes + chunk.length() > length) {
      finished = true;
      end(Future.failedFuture(TusException.badRequest("the body runs past Upload-Length (" + length + " bytes)")),
          true);
      return;
    }
    bodyBytes += chunk.length();
    if (checksum != null) {
      checksum.digest().update(((BufferInternal) chunk).getByteBuf().nioBuffer());
    }
    // Into a buffer of one part's size: each byte is copied once, from the network's buffers to its part.
    int size = (int) upload.partSize();
    int room = size - pending.length();
    if (chunk.length() <= room) {
      pending.appendBuffer(chunk);
    } else {
      pending.appendBuffer(chunk, 0, room);
      full.add(pending);
      for (int at = room; at < chunk.length(); at += size) {
        Buffer next = Buffer.buffer(size);
        next.appendBuffer(chunk, at, Math.min(size, chunk.length() - at));
        if (next.length() == size) {
          full.add(next);
        } else {
          pending = next;
          break;
        }
        pending = Buffer.buffer(size);
      }
    }
    if (pending.length() == size) {
      full.add(pending);
      pending = Buffer.buffer(size);
    }
    cutParts();
  }

  /** Sends whole parts to S3, one at a time; the body waits while one is in flight and the next is full. */
  private void cutParts() {
    while (!finished && !full.isEmpty()) {
      if (!inFlight.isComplete()) {
        request.pause();
        inFlight.onComplete(done -> {
          if (done.succeeded() && !finished) {
            request.resume();
            cutParts();
          }
        });
        return;
      }
      inFlight = storePart(full.remove(0)).onFailure(this::fail);
    }
  }

  /** Stores a part under a number nobody else gets; recorded at once unless the body is still to be checked. */
  private Future<Void> storePart(Buffer part) {
    int length = part.length();
    // Hashing a part takes milliseconds: on a worker, not the event loop. Parts are stored one after another, so
    // the running hash still sees them in order.
    return vertx.executeBlocking(() -> hashed(part), false)
        .compose(stateAfter -> uploads.claimPart(upload.id(), token).compose(number -> number.isEmpty()
                ? Future.failedFuture(lost())
                : storage.uploadPart(upload.storageKey(), upload.multipartId(), number.get(), part)
                    .map(etag -> new Part(number.get(), etag, length)))
            .compose(stored -> {
              partsBytes += stored.size();
              hashState = stateAfter;
              unrecorded.add(stored);
              return checksum == null ? recordProgress(false, null, 0) : Future.succeededFuture();
            }));
  }

  /** Adds the part to the running hash: its state after the part. */
  private byte[] hashed(Buffer part) {
    ByteBuf bytes = ((BufferInternal) part).getByteBuf();
    int length = bytes.readableBytes();
    if (bytes.hasArray()) {
      hash.update(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), length);
    } else {
      byte[] copy = new byte[length];
      bytes.getBytes(bytes.readerIndex(), copy);
      hash.update(copy, 0, length);
    }
    return hash.getEncodedState();
  }

  private void onEnd() {
    if (finished) {
      return;
    }
    finished = true;
    end(inFlight.compose(v -> settle(true)), false);
  }

  /** Stores the whole parts still waiting (the body ended while one was in flight), in order. */
  private Future<Void> storeWaitingParts() {
    if (full.isEmpty()) {
      return Future.succeededFuture();
    }
    return storePart(full.remove(0)).compose(v -> storeWaitingParts());
  }

  /** The connection dropped before the body ended: keep what arrived, unless it was to be checked first. */
  private void onBroken(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    LOG.info("upload={} PATCH ended early after {} bytes: {}", upload.id(), bodyBytes, cause.toString());
    end(inFlight.compose(v -> checksum == null ? settle(false) : Future.succeededFuture(
        new Outcome(upload.offset(), null))), false);
  }

  /** Makes what arrived durable: the last part if the upload is complete, else the tail; then completes it. */
  private Future<Outcome> settle(boolean bodyEnded) {
    if (bodyEnded && checksum != null && !checksum.matches()) {
      return Future.failedFuture(new TusException(TusProtocol.CHECKSUM_MISMATCH, "Checksum mismatch",
          "the body's " + checksum.algorithm() + " is not the one Upload-Checksum gives; nothing of it was kept"));
    }
    return storeWaitingParts().compose(v -> settleStored(bodyEnded));
  }

  private Future<Outcome> settleStored(boolean bodyEnded) {
    long offset = partsBytes + pending.length();
    Long length = length();
    if (length != null && offset == length && bodyEnded) {
      Future<Void> last = pending.length() == 0 && (partsBytes > 0 || !unrecorded.isEmpty())
          ? Future.succeededFuture() : storeLastPart();
      return last.compose(v -> recordProgress(true, null, 0))
          .compose(v -> completion.finish(upload.id(), token))
          .map(completed -> new Outcome(offset, completed));
    }
    if (pending.length() == 0) {
      return recordProgress(false, null, 0).map(v -> new Outcome(offset, null));
    }
    String tailKey = ObjectKeys.of(upload.projectId(), ObjectKeys.Folder.UPLOADS, upload.id(),
        "tail-" + UUID.randomUUID());
    long tailSize = pending.length();
    return storage.putBytes(tailKey, pending.getBytes(), "application/octet-stream")
        .compose(v -> recordProgress(false, tailKey, tailSize))
        .map(v -> new Outcome(offset, null));
  }

  /** The last part may be smaller than the others (S3 allows it), and is whatever remains. */
  private Future<Void> storeLastPart() {
    Buffer last = pending;
    pending = Buffer.buffer();
    return storePart(last);
  }

  /** Records the parts not yet recorded, the offset and where the bytes past them are; fails if the lease is lost. */
  private Future<Void> recordProgress(boolean complete, String tailKey, long tailSize) {
    List<Part> parts = List.copyOf(unrecorded);
    long offset = partsBytes + tailSize;
    Progress progress = new Progress(parts, offset, tailKey, tailSize, hashState, declaredLength, complete,
        Duration.ofSeconds(config.expirySeconds()));
    return uploads.record(upload.id(), token, progress).compose(recorded -> {
      if (!recorded) {
        return Future.failedFuture(lost());
      }
      unrecorded.removeAll(parts);
      if (oldTail != null && !oldTail.equals(tailKey)) {
        String obsolete = oldTail;
        oldTail = null;
        storage.delete(obsolete).onFailure(e -> LOG.warn("upload={} obsolete tail {} not deleted: {}", upload.id(),
            obsolete, e.toString()));
      }
      return Future.succeededFuture();
    });
  }

  private TusException lost() {
    return TusException.conflict("the upload was terminated, or another PATCH took it over; HEAD it for its offset");
  }

  /** Renews the lease while the body comes; a PATCH that has sent nothing for idleSeconds is ended. */
  private void keepLease() {
    if (finished) {
      return;
    }
    if (System.nanoTime() - lastData > Duration.ofSeconds(config.idleSeconds()).toNanos()) {
      LOG.info("upload={} PATCH sent nothing for {} s: ending it", upload.id(), config.idleSeconds());
      request.connection().close();
      onBroken(new IllegalStateException("idle for " + config.idleSeconds() + " s"));
      return;
    }
    long now = System.nanoTime();
    if (now - renewedAt < Duration.ofSeconds(config.leaseSeconds()).toNanos() / 3) {
      return;
    }
    renewedAt = now;
    uploads.renewLease(upload.id(), token, Duration.ofSeconds(config.leaseSeconds())).onSuccess(held -> {
      if (!held && !finished) {
        fail(lost());
      }
    });
  }

  private void fail(Throwable cause) {
    if (outcome.future().isComplete()) {
      return;
    }
    finished = true;
    end(Future.failedFuture(cause), true);
  }

  /** Completes the outcome once, stops the timer, lets go of the lease; {@code reset} closes the connection. */
  private void end(Future<Outcome> result, boolean reset) {
    result.onComplete(done -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      uploads.release(upload.id(), token);
      metrics.ended(bodyBytes);
      if (reset && !request.isEnded()) {
        // The rest of the body will not be read: the connection cannot carry another request.
        request.response().putHeader("Connection", "close");
      }
      if (done.succeeded()) {
        outcome.tryComplete(done.result());
      } else {
        outcome.tryFail(done.cause());
      }
    });
  }
}
