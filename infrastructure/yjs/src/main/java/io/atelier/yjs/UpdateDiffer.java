package io.atelier.yjs;

import java.util.HashMap;
import java.util.Map;

/** Yjs's {@code diffUpdateV2} with the v1 decoder and encoder, {@code decodeStateVector}, and what an update adds. */
final class UpdateDiffer {

  private UpdateDiffer() {
  }

  static byte[] diff(byte[] update, byte[] stateVector) {
    Map<Long, Long> state = readStateVector(stateVector);
    LazyStructWriter writer = new LazyStructWriter();
    LazyStructReader reader = new LazyStructReader(new Lib0Decoder(update), false);
    while (reader.curr != null) {
      Struct curr = reader.curr;
      long currClient = curr.client;
      long svClock = state.getOrDefault(currClient, 0L);
      if (curr.kind == Struct.SKIP) {
        // the first written struct shouldn't be a skip
        reader.next();
        continue;
      }
      if (curr.end() > svClock) {
        writer.write(curr, Math.max(svClock - curr.clock, 0));
        reader.next();
        while (reader.curr != null && reader.curr.client == currClient) {
          writer.write(reader.curr, 0);
          reader.next();
        }
      } else {
        while (reader.curr != null && reader.curr.client == currClient && reader.curr.end() <= svClock) {
          reader.next();
        }
      }
    }
    Lib0Encoder out = new Lib0Encoder(update.length + 16);
    writer.finish(out);
    DeleteSet.read(reader.decoder).write(out);
    return out.toByteArray();
  }

  /**
   * Whether a document holding {@code state} changes when it applies {@code update}: the update has a struct past the
   * state's contiguous clocks, or deletes a range the state does not. Structs the state holds past a gap count as
   * missing, so the answer errs towards true, never towards losing an edit.
   */
  static boolean adds(byte[] state, byte[] update) {
    LazyStructReader stateReader = new LazyStructReader(new Lib0Decoder(state), false);
    Map<Long, Long> clocks = new HashMap<>();
    UpdateValidator.contiguousClocks(stateReader, clocks::put);
    DeleteSet deleted = DeleteSet.read(stateReader.decoder);
    deleted.sortAndMerge();
    LazyStructReader reader = new LazyStructReader(new Lib0Decoder(update), false);
    boolean adds = false;
    for (Struct curr = reader.curr; curr != null; curr = reader.next()) {
      // Read on to the end either way: a malformed tail is refused, whatever came before it.
      adds |= curr.kind != Struct.SKIP && curr.end() > clocks.getOrDefault(curr.client, 0L);
    }
    DeleteSet deletes = DeleteSet.read(reader.decoder);
    if (adds) {
      return true;
    }
    for (Map.Entry<Long, DeleteSet.Ranges> client : deletes.clients.entrySet()) {
      DeleteSet.Ranges ranges = client.getValue();
      DeleteSet.Ranges known = deleted.clients.get(client.getKey());
      for (int i = 0; i < ranges.size; i++) {
        if (ranges.lengths[i] == 0) {
          continue;
        }
        int at = known == null ? -1 : DeleteSet.findRange(known, ranges.clocks[i]);
        if (at < 0 || known.clocks[at] + known.lengths[at] < ranges.clocks[i] + ranges.lengths[i]) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code decodeStateVector}: (client, clock) pairs; a client given twice keeps its last clock. */
  static Map<Long, Long> readStateVector(byte[] stateVector) {
    Lib0Decoder d = new Lib0Decoder(stateVector);
    int countAt = d.pos;
    long count = d.readVarUint("state vector: number of clients");
    AnyCodec.checkCount(d, count, 2, "state vector: number of clients", countAt);
    Map<Long, Long> state = new HashMap<>((int) count * 2);
    for (long i = 0; i < count; i++) {
      long client = d.readVarUint("state vector: client id");
      long clock = d.readVarUint("state vector: clock");
      state.put(client, clock);
    }
    return state;
  }
}
