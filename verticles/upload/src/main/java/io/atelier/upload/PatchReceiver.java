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
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PATCH (or the body of a creation-with-upload POST) of an upload whose lease it holds: the body streams into S3
 * parts of the upload's part size, {@code upload.partsInFlight} of them uploading at once while the next fills (the
 * request is paused while they are all busy and the next is full), so an upload holds that many parts plus one in
 * memory whatever its size. Bytes past the last whole part are kept as the upload's tail, an object of its own,
 * which the next PATCH continues.
 *
 * <p>Part numbers are claimed and the running hash advanced in the body's order; parts may be stored in any order,
 * but they are recorded in the body's order only, so the recorded offset never covers a part that is not stored.
 * Without a checksum, parts are recorded as they are stored, so a dropped connection or a killed node loses at most
 * the parts in flight and the one being filled; with one, nothing of the PATCH is recorded until the body has been
 * checked, so a mismatch discards it whole (its stored parts are never listed when the upload completes).
 */
final class PatchReceiver {

  private static final Logger LOG = LoggerFactory.getLogger(PatchReceiver.class);

  /**
   * How a PATCH ended: the offset the upload is at, what it became when it completed, and else when it now expires
   * (null if this PATCH recorded nothing).
   */
  record Outcome(long offset, UploadCompletion.Completed completed, OffsetDateTime expiresAt) {
  }

  private final Vertx vertx;
  private final UploadConfig config;
  private final UploadRepository uploads;
  private final ObjectStorage storage;
  private final UploadCompletion completion;
  private final UploadMetrics metrics;
  private final PartBuffers buffers;
  private final HttpServerRequest request;
  private final Upload upload;
  private final UUID token;
  private final TusProtocol.Checksum checksum;
  private final Long declaredLength;
  private final Promise<Outcome> outcome = Promise.promise();

  /** A part on its way to S3: its record once stored, and the running hash's state after it. */
  private record Stored(Part part, byte[] hashStateAfter) {
  }

  /** The part being filled, and whole parts waiting for a place in flight (the body is paused meanwhile). */
  private ByteBuf pending;
  private final List<ByteBuf> full = new ArrayList<>();
  /** Bytes of the parts stored in order so far: the body's bytes before the first part still in flight. */
  private long partsBytes;
  private long bodyBytes;
  private RunningSha256 hash;
  private byte[] hashState;
  /** Parts stored by this PATCH, in order, and not yet recorded (with a checksum: all of them until the end). */
  private final List<Part> unrecorded = new ArrayList<>();
  /** Parts in flight, in the body's order. */
  private final ArrayDeque<Future<Stored>> inFlight = new ArrayDeque<>();
  /** The last part number claimed and the last hash step: the next part's wait for both, to keep their order. */
  private Future<Integer> claimed = Future.succeededFuture(0);
  private Future<byte[]> hashed = Future.succeededFuture();
  /** The last progress record written: the next one waits for it. */
  private Future<Void> recorded = Future.succeededFuture();
  private final List<Promise<Void>> waitingForParts = new ArrayList<>();
  private Throwable partFailure;
  private boolean paused;
  /** The tail this PATCH started from, obsolete once a part or a new tail holds its bytes. */
  private String oldTail;
  /** The expiry the last record of this PATCH gave the upload. */
  private OffsetDateTime expiresAt;
  private boolean finished;
  private long lastData = System.nanoTime();
  private long renewedAt = System.nanoTime();
  private long timer = -1;

  PatchReceiver(Vertx vertx, UploadConfig config, UploadRepository uploads, ObjectStorage storage,
                UploadCompletion completion, UploadMetrics metrics, PartBuffers buffers, HttpServerRequest request,
                Upload upload, UUID token, TusProtocol.Checksum checksum, Long declaredLength) {
    this.metrics = metrics;
    this.buffers = buffers;
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
    hash = RunningSha256.resume(upload.sha256State());
    hashState = upload.sha256State();
    oldTail = upload.tailKey();
    // The tail goes straight into the part it begins.
    pending = buffers.take((int) upload.partSize());
    Future<Long> tail = upload.tailSize() == 0 ? Future.succeededFuture(0L)
        : storage.readInto(upload.tailKey(), pending);
    metrics.started();
    tail.onSuccess(read -> {
      if (read != upload.tailSize()) {
        fail(new IllegalStateException("the upload's tail holds " + read + " bytes, its row says "
            + upload.tailSize()));
        return;
      }
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
    // Into buffers of one part's size: each byte is copied once, from the network's buffers to its part.
    int size = (int) upload.partSize();
    ByteBuf data = ((BufferInternal) chunk).getByteBuf();
    for (int at = data.readerIndex(); at < data.writerIndex(); ) {
      int take = Math.min(size - pending.readableBytes(), data.writerIndex() - at);
      pending.writeBytes(data, at, take);
      at += take;
      if (pending.readableBytes() == size) {
        full.add(pending);
        pending = buffers.take(size);
      }
    }
    cutParts();
  }

  /** Sends whole parts to S3 while there is room in flight; the body waits while there is none. */
  private void cutParts() {
    while (!finished && !full.isEmpty()) {
      if (inFlight.size() >= config.partsInFlight()) {
        if (!paused) {
          paused = true;
          request.pause();
        }
        return;
      }
      storePart(full.remove(0));
    }
    if (paused && !finished) {
      paused = false;
      request.resume();
    }
  }

  /**
   * Sends a part: its number is claimed (one nobody else gets) and the running hash advanced after the previous
   * part's, then it uploads beside the others in flight.
   */
  private void storePart(ByteBuf part) {
    int length = part.readableBytes();
    claimed = claimed.compose(previous -> uploads.claimPart(upload.id(), token))
        .compose(number -> number.isPresent() ? Future.succeededFuture(number.get()) : Future.failedFuture(lost()));
    // Hashing a part takes milliseconds: on a worker, not the event loop.
    hashed = hashed.compose(previous -> vertx.executeBlocking(() -> hashed(part), false));
    Future<Integer> number = claimed;
    Future<byte[]> stateAfter = hashed;
    Future<Stored> stored = number
        .compose(n -> storage.uploadPart(upload.storageKey(), upload.multipartId(), n, BufferInternal.buffer(part)))
        .compose(etag -> stateAfter.map(state -> new Stored(new Part(number.result(), etag, length), state)));
    inFlight.add(stored);
    stored.onComplete(done -> {
      if (done.succeeded()) {
        // Stored and hashed: nothing reads it any more. (After a failure the hash may still be reading it.)
        buffers.give(part);
      }
      partsDone();
    });
  }

  /**
   * Takes the parts stored at the head of the line, in order: they count towards the offset and are recorded
   * (unless the body is still to be checked); a part that failed fails the PATCH.
   */
  private void partsDone() {
    boolean advanced = false;
    while (!inFlight.isEmpty() && inFlight.peek().isComplete()) {
      Future<Stored> head = inFlight.poll();
      if (head.failed()) {
        partFailure = head.cause();
        inFlight.clear();
        fail(head.cause());
        break;
      }
      Stored stored = head.result();
      partsBytes += stored.part().size();
      hashState = stored.hashStateAfter();
      unrecorded.add(stored.part());
      advanced = true;
    }
    if (advanced && checksum == null) {
      // Chained, so records go in order; one that finds nothing left (an earlier one took it all) writes nothing.
      recorded = recorded.compose(v -> unrecorded.isEmpty() ? Future.succeededFuture()
          : recordProgress(false, null, 0)).onFailure(this::fail);
    }
    if (inFlight.isEmpty() || partFailure != null) {
      List<Promise<Void>> waiting = new ArrayList<>(waitingForParts);
      waitingForParts.clear();
      waiting.forEach(w -> {
        if (partFailure != null) {
          w.tryFail(partFailure);
        } else {
          w.tryComplete();
        }
      });
    }
    cutParts();
  }

  /** Completes once every part sent so far is stored and recorded as it will be (fails if one was not). */
  private Future<Void> partsSettled() {
    if (partFailure != null) {
      return Future.failedFuture(partFailure);
    }
    if (inFlight.isEmpty()) {
      return recorded;
    }
    Promise<Void> settled = Promise.promise();
    waitingForParts.add(settled);
    return settled.future().compose(v -> recorded);
  }

  /** Adds the part to the running hash: its state after the part. */
  private byte[] hashed(ByteBuf part) {
    hash.update(part);
    return hash.state();
  }

  private void onEnd() {
    if (finished) {
      return;
    }
    finished = true;
    end(partsSettled().compose(v -> settle(true)), false);
  }

  /** Stores the whole parts still waiting (the body ended while the others were in flight). */
  private Future<Void> storeWaitingParts() {
    while (!full.isEmpty()) {
      storePart(full.remove(0));
    }
    return partsSettled();
  }

  /** The connection dropped before the body ended: keep what arrived, unless it was to be checked first. */
  private void onBroken(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    LOG.info("upload={} PATCH ended early after {} bytes: {}", upload.id(), bodyBytes, cause.toString());
    end(partsSettled().compose(v -> checksum == null ? settle(false) : Future.succeededFuture(
        new Outcome(upload.offset(), null, null))), false);
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
    long offset = partsBytes + pending.readableBytes();
    Long length = length();
    if (length != null && offset == length && bodyEnded) {
      Future<Void> last = pending.readableBytes() == 0 && (partsBytes > 0 || !unrecorded.isEmpty())
          ? Future.succeededFuture() : storeLastPart();
      return last.compose(v -> recordProgress(true, null, 0))
          .compose(v -> completion.finish(upload.id(), token))
          .map(completed -> new Outcome(offset, completed, null));
    }
    if (pending.readableBytes() == 0) {
      return recordProgress(false, null, 0).map(v -> new Outcome(offset, null, expiresAt));
    }
    String tailKey = ObjectKeys.of(upload.projectId(), ObjectKeys.Folder.UPLOADS, upload.id(),
        "tail-" + UUID.randomUUID());
    long tailSize = pending.readableBytes();
    return storage.putBuffer(tailKey, BufferInternal.buffer(pending), "application/octet-stream")
        .compose(v -> recordProgress(false, tailKey, tailSize))
        .map(v -> new Outcome(offset, null, expiresAt));
  }

  /** The last part may be smaller than the others (S3 allows it), and is whatever remains. */
  private Future<Void> storeLastPart() {
    ByteBuf last = pending;
    pending = Unpooled.EMPTY_BUFFER;
    storePart(last);
    return partsSettled();
  }

  /** Records the parts not yet recorded, the offset and where the bytes past them are; fails if the lease is lost. */
  private Future<Void> recordProgress(boolean complete, String tailKey, long tailSize) {
    List<Part> parts = List.copyOf(unrecorded);
    long offset = partsBytes + tailSize;
    Progress progress = new Progress(parts, offset, tailKey, tailSize, hashState, declaredLength, complete,
        Duration.ofSeconds(config.expirySeconds()));
    return uploads.record(upload.id(), token, progress).compose(recorded -> {
      if (recorded.isEmpty()) {
        return Future.failedFuture(lost());
      }
      expiresAt = recorded.get();
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
      if (done.succeeded() && pending != null && pending.capacity() == upload.partSize()) {
        // What it held is stored, as the tail (a copy). After a failure it is left to the GC: a part may still be
        // reading from it.
        buffers.give(pending);
        pending = null;
      }
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
