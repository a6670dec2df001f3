package io.atelier.yjs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Yjs's {@code mergeUpdatesV2} with the v1 decoder and encoder, step for step: readers are re-sorted before every step
 * (higher clients first, then lower clocks), the first reader's structs are written until another reader must go
 * first, overlaps are cut off, gaps become Skips, adjacent GCs join. Then the delete sets are merged.
 */
final class UpdateMerger {

  /**
   * Yjs's reader order. Not a consistent order: a GC and an Item at the same id each come first against the other,
   * which is why the sort must be V8's.
   */
  private static final Comparator<LazyStructReader> ORDER = (dec1, dec2) -> {
    Struct s1 = dec1.curr;
    Struct s2 = dec2.curr;
    if (s1.client == s2.client) {
      long clockDiff = s1.clock - s2.clock;
      if (clockDiff == 0) {
        return s1.kind == s2.kind ? 0 : s1.kind == Struct.SKIP ? 1 : -1;
      }
      return clockDiff < 0 ? -1 : 1;
    }
    return Long.compare(s2.client, s1.client);
  };

  private UpdateMerger() {
  }

  static byte[] merge(List<byte[]> updates) {
    if (updates.size() == 1) {
      // Yjs returns a single update untouched; it is still checked here, as every input is.
      byte[] only = updates.get(0);
      UpdateValidator.validate(only);
      return only.clone();
    }
    List<LazyStructReader> all = new ArrayList<>(updates.size());
    for (int i = 0; i < updates.size(); i++) {
      all.add(new LazyStructReader(new Lib0Decoder(updates.get(i)), true));
    }
    LazyStructReader[] readers = all.toArray(new LazyStructReader[0]);
    int live = readers.length;
    Struct currWrite = null;
    LazyStructWriter writer = new LazyStructWriter();

    while (true) {
      live = dropFinished(readers, live);
      V8ArraySort.sort(readers, live, ORDER);
      if (live == 0) {
        break;
      }
      LazyStructReader currDecoder = readers[0];
      long firstClient = currDecoder.curr.client;

      if (currWrite != null) {
        Struct curr = currDecoder.curr;
        boolean iterated = false;
        // Skip what was written already; higher clients are written first.
        while (curr != null && curr.end() <= currWrite.end() && curr.client >= currWrite.client) {
          curr = currDecoder.next();
          iterated = true;
        }
        if (curr == null || curr.client != firstClient || (iterated && curr.clock > currWrite.end())) {
          continue;
        }
        if (firstClient != currWrite.client) {
          writer.write(currWrite, 0);
          currWrite = curr;
          currDecoder.next();
        } else if (currWrite.end() < curr.clock) {
          if (currWrite.kind == Struct.SKIP) {
            currWrite.length = curr.end() - currWrite.clock;
          } else {
            writer.write(currWrite, 0);
            long diff = curr.clock - currWrite.end();
            currWrite = new Struct(Struct.SKIP, firstClient, currWrite.end(), diff);
          }
        } else {
          long diff = currWrite.end() - curr.clock;
          if (diff > 0) {
            if (currWrite.kind == Struct.SKIP) {
              // Cut the Skip rather than the struct, which may hold more.
              currWrite.length -= diff;
            } else {
              curr = curr.slice(diff);
            }
          }
          if (!mergeWith(currWrite, curr)) {
            writer.write(currWrite, 0);
            currWrite = curr;
            currDecoder.next();
          }
        }
      } else {
        currWrite = currDecoder.curr;
        currDecoder.next();
      }
      for (Struct next = currDecoder.curr;
          next != null && next.client == firstClient && next.clock == currWrite.end() && next.kind != Struct.SKIP;
          next = currDecoder.next()) {
        writer.write(currWrite, 0);
        currWrite = next;
      }
    }
    if (currWrite != null) {
      writer.write(currWrite, 0);
    }
    Lib0Encoder out = new Lib0Encoder(totalLength(updates));
    writer.finish(out);
    List<DeleteSet> sets = new ArrayList<>(all.size());
    for (LazyStructReader reader : all) {
      sets.add(DeleteSet.read(reader.decoder));
    }
    DeleteSet.merge(sets).write(out);
    return out.toByteArray();
  }

  /**
   * {@code struct.mergeWith(right)} as it behaves on lazily read structs: GC with GC and Skip with Skip join; an Item
   * never does, because Item.mergeWith requires {@code this.right === right} and a lazily read item has no right.
   */
  private static boolean mergeWith(Struct left, Struct right) {
    if (left.kind == Struct.ITEM || left.kind != right.kind) {
      return false;
    }
    left.length += right.length;
    return true;
  }

  /** {@code filter(dec => dec.curr !== null)}, keeping order. */
  private static int dropFinished(LazyStructReader[] readers, int live) {
    int kept = 0;
    for (int i = 0; i < live; i++) {
      if (readers[i].curr != null) {
        readers[kept++] = readers[i];
      }
    }
    for (int i = kept; i < live; i++) {
      readers[i] = null;
    }
    return kept;
  }

  private static int totalLength(List<byte[]> updates) {
    long n = 16;
    for (byte[] u : updates) {
      n += u.length;
    }
    return (int) Math.min(n, 1 << 28);
  }
}
