package io.atelier.yjs;

/**
 * Decodes a whole update as Yjs's readers do (every struct, every content, the delete set) and fails on the first thing
 * they would fail on, or that this port refuses as unsafe (see {@link MalformedUpdateException}). Bytes after the delete
 * set are accepted, as Yjs ignores them.
 */
final class UpdateValidator {

  private UpdateValidator() {
  }

  static void validate(byte[] update) {
    LazyStructReader reader = new LazyStructReader(new Lib0Decoder(update), false);
    while (reader.curr != null) {
      reader.next();
    }
    DeleteSet.read(reader.decoder);
  }

  /**
   * Yjs's {@code encodeStateVectorFromUpdateV2} with the v1 decoder and encoder: per client, the end of the structs that
   * start at clock 0 and run without a Skip. The delete set is checked too, which Yjs does not read here.
   */
  static byte[] stateVector(byte[] update) {
    LazyStructReader reader = new LazyStructReader(new Lib0Decoder(update), false);
    Lib0Encoder pairs = new Lib0Encoder();
    long[] size = {0};
    contiguousClocks(reader, (client, clock) -> {
      size[0]++;
      pairs.writeVarUint(client);
      pairs.writeVarUint(clock);
    });
    DeleteSet.read(reader.decoder);
    Lib0Encoder out = new Lib0Encoder(pairs.length() + 8);
    out.writeVarUint(size[0]);
    out.writeBytes(pairs);
    return out.toByteArray();
  }

  interface ClockListener {
    void clock(long client, long clock);
  }

  /**
   * Reads every struct of {@code reader} and tells {@code clocks}, per client in order, the end of its structs that
   * start at clock 0 and run without a Skip (clients whose structs do not start at 0 are left out).
   */
  static void contiguousClocks(LazyStructReader reader, ClockListener clocks) {
    Struct curr = reader.curr;
    if (curr == null) {
      return;
    }
    long currClient = curr.client;
    boolean stopCounting = curr.clock != 0;
    long currClock = stopCounting ? 0 : curr.end();
    for (; curr != null; curr = reader.next()) {
      if (currClient != curr.client) {
        if (currClock != 0) {
          clocks.clock(currClient, currClock);
        }
        currClient = curr.client;
        currClock = 0;
        stopCounting = curr.clock != 0;
      }
      if (curr.kind == Struct.SKIP) {
        stopCounting = true;
      }
      if (!stopCounting) {
        currClock = curr.end();
      }
    }
    if (currClock != 0) {
      clocks.clock(currClient, currClock);
    }
  }
}
