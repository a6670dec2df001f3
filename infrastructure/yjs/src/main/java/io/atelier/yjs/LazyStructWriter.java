package io.atelier.yjs;

import java.util.Arrays;

/**
 * Yjs's {@code LazyStructWriter} with {@code writeStructToLazyStructWriter} and {@code finishLazyStructWriting}:
 * structs are written as they come, a new client section starting whenever the client changes; the section counts,
 * unknown until the end, are put in front when finishing.
 */
final class LazyStructWriter {

  private final Lib0Encoder body = new Lib0Encoder(1024);
  /** Per finished section: struct count, start and end in {@link #body}. */
  private long[] sections = new long[24];
  private int sectionCount;
  private long currClient;
  private long written;
  private int sectionStart;

  void write(Struct struct, long offset) {
    if (written > 0 && currClient != struct.client) {
      flush();
    }
    if (written == 0) {
      currClient = struct.client;
      body.writeVarUint(struct.client);
      body.writeVarUint(struct.clock + offset);
    }
    struct.write(body, offset);
    written++;
  }

  private void flush() {
    if (written > 0) {
      if (sectionCount * 3 + 3 > sections.length) {
        sections = Arrays.copyOf(sections, sections.length * 2);
      }
      sections[sectionCount * 3] = written;
      sections[sectionCount * 3 + 1] = sectionStart;
      sections[sectionCount * 3 + 2] = body.length();
      sectionCount++;
      sectionStart = body.length();
      written = 0;
    }
  }

  /** The structs part of the update, written to {@code out}. */
  void finish(Lib0Encoder out) {
    flush();
    out.writeVarUint(sectionCount);
    for (int i = 0; i < sectionCount; i++) {
      out.writeVarUint(sections[i * 3]);
      int start = (int) sections[i * 3 + 1];
      out.writeBytes(body, start, (int) sections[i * 3 + 2] - start);
    }
  }
}
