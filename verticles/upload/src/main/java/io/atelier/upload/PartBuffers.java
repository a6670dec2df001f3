package io.atelier.upload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The part-sized buffers of one upload verticle's PATCHes, used again and again: a part is megabytes, and a new one
 * for every part of a long upload walks the heap through fresh memory between collections (the node's resident size
 * grew by most of a 256 MiB file before they were kept).
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
    return buffer != null ? buffer.clear() : Unpooled.buffer(size, size);
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
