package io.atelier.upload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The part-sized buffers of one upload verticle's PATCHes, used again and again: a part is megabytes, and a new one
 * for every part of a long upload walks the heap through fresh memory between collections (the node's resident size
 * grew by most of a 256 MiB file before they were kept). They are direct buffers: a part is written to S3's socket
 * straight from one, where a heap buffer was first copied into a fresh direct buffer of its size by Netty, zeroed and
 * paged in each time (a tenth of an upload node's CPU).
 */
final class PartBuffers {

  private final int keepPerSize;
  private final Map<Integer, ArrayDeque<ByteBuf>> spare = new HashMap<>();

  /** Keeps at most {@code keepPerSize} spare buffers of each part size. */
  PartBuffers(int keepPerSize) {
    this.keepPerSize = keepPerSize;
  }

  /** An empty buffer of exactly {@code size} bytes (it cannot grow past them). */
  synchronized ByteBuf take(int size) {
    ArrayDeque<ByteBuf> free = spare.get(size);
    ByteBuf buffer = free == null ? null : free.poll();
    // The JDK's own direct buffer: the garbage collector frees one that is dropped (after a failure, or when there are
    // spares enough), which Netty's cleaner-less direct buffers would leak.
    return (buffer != null ? buffer : Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(size))).clear();
  }

  /** Hands back a buffer from {@link #take} that nothing reads any more: it is kept, if there is room. */
  synchronized void give(ByteBuf buffer) {
    if (buffer.capacity() == 0 || buffer.capacity() != buffer.maxCapacity()) {
      return;
    }
    ArrayDeque<ByteBuf> free = spare.computeIfAbsent(buffer.capacity(), c -> new ArrayDeque<>());
    if (free.size() < keepPerSize) {
      free.add(buffer);
    }
  }
}
