package io.atelier.yjs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Yjs's {@code DeleteSet} ({@code src/utils/DeleteSet.js}): per client, in the order clients first appear, a list of
 * deleted ranges (clock, length) kept as read unless {@link #sortAndMerge} is called.
 */
final class DeleteSet {

  /** One client's ranges: clocks and lengths in parallel arrays. */
  static final class Ranges {
    long[] clocks;
    long[] lengths;
    int size;

    Ranges(int capacity) {
      clocks = new long[Math.max(4, capacity)];
      lengths = new long[Math.max(4, capacity)];
    }

    void add(long clock, long length) {
      if (size == clocks.length) {
        clocks = Arrays.copyOf(clocks, size * 2);
        lengths = Arrays.copyOf(lengths, size * 2);
      }
      clocks[size] = clock;
      lengths[size] = length;
      size++;
    }

    void addAll(Ranges other) {
      for (int i = 0; i < other.size; i++) {
        add(other.clocks[i], other.lengths[i]);
      }
    }
  }

  final LinkedHashMap<Long, Ranges> clients = new LinkedHashMap<>();

  /** {@code readDeleteSet}: a client listed with no deletes is left out, a client listed twice gets one list. */
  static DeleteSet read(Lib0Decoder d) {
    DeleteSet ds = new DeleteSet();
    long numClients = d.readVarUint("delete set: number of clients");
    for (long i = 0; i < numClients; i++) {
      long client = d.readVarUint("delete set: client id");
      int countAt = d.pos;
      long count = d.readVarUint("delete set: number of ranges");
      AnyCodec.checkCount(d, count, 2, "delete set: number of ranges", countAt);
      if (count > 0) {
        Ranges ranges = ds.clients.computeIfAbsent(client, c -> new Ranges((int) count));
        for (long k = 0; k < count; k++) {
          int at = d.pos;
          long clock = d.readVarUint("delete set: clock");
          long len = d.readVarUint("delete set: length");
          if (len > Lib0Decoder.MAX_SAFE_INTEGER - clock) {
            throw new MalformedUpdateException("delete set range at byte " + at + " ends past clock 2^53 - 1");
          }
          ranges.add(clock, len);
        }
      }
    }
    return ds;
  }

  /** {@code writeDeleteSet}: clients in descending order, ranges as they are. */
  void write(Lib0Encoder e) {
    e.writeVarUint(clients.size());
    List<Map.Entry<Long, Ranges>> sorted = new ArrayList<>(clients.entrySet());
    sorted.sort((a, b) -> Long.compare(b.getKey(), a.getKey()));
    for (Map.Entry<Long, Ranges> entry : sorted) {
      Ranges r = entry.getValue();
      e.writeVarUint(entry.getKey());
      e.writeVarUint(r.size);
      for (int i = 0; i < r.size; i++) {
        e.writeVarUint(r.clocks[i]);
        e.writeVarUint(r.lengths[i]);
      }
    }
  }

  /** {@code mergeDeleteSets}: a client's ranges from every set, in set order, then sorted and merged. */
  static DeleteSet merge(List<DeleteSet> sets) {
    DeleteSet merged = new DeleteSet();
    for (int i = 0; i < sets.size(); i++) {
      for (Map.Entry<Long, Ranges> entry : sets.get(i).clients.entrySet()) {
        Long client = entry.getKey();
        if (!merged.clients.containsKey(client)) {
          Ranges all = new Ranges(entry.getValue().size);
          all.addAll(entry.getValue());
          for (int j = i + 1; j < sets.size(); j++) {
            Ranges more = sets.get(j).clients.get(client);
            if (more != null) {
              all.addAll(more);
            }
          }
          merged.clients.put(client, all);
        }
      }
    }
    merged.sortAndMerge();
    return merged;
  }

  /** {@code sortAndMergeDeleteSet}: by clock, overlapping or touching ranges joined. */
  void sortAndMerge() {
    for (Ranges r : clients.values()) {
      // Ranges with equal clocks merge to the longer one whatever their order, so stability does not matter.
      sortByClock(r);
      int j = 1;
      for (int i = 1; i < r.size; i++) {
        long leftClock = r.clocks[j - 1];
        long leftLen = r.lengths[j - 1];
        if (leftClock + leftLen >= r.clocks[i]) {
          r.lengths[j - 1] = Math.max(leftLen, r.clocks[i] + r.lengths[i] - leftClock);
        } else {
          r.clocks[j] = r.clocks[i];
          r.lengths[j] = r.lengths[i];
          j++;
        }
      }
      r.size = Math.min(r.size, j);
    }
  }

  private static void sortByClock(Ranges r) {
    boolean sorted = true;
    for (int i = 1; i < r.size && sorted; i++) {
      sorted = r.clocks[i - 1] <= r.clocks[i];
    }
    if (sorted) {
      return;
    }
    Integer[] order = new Integer[r.size];
    for (int i = 0; i < r.size; i++) {
      order[i] = i;
    }
    long[] clocks = r.clocks;
    Arrays.sort(order, (a, b) -> Long.compare(clocks[a], clocks[b]));
    long[] c = new long[r.clocks.length];
    long[] l = new long[r.lengths.length];
    for (int i = 0; i < r.size; i++) {
      c[i] = r.clocks[order[i]];
      l[i] = r.lengths[order[i]];
    }
    r.clocks = c;
    r.lengths = l;
  }

  /** Whether {@code clock} of {@code client} is in a range (ranges sorted and merged). */
  boolean isDeleted(long client, long clock) {
    Ranges r = clients.get(client);
    return r != null && findRange(r, clock) >= 0;
  }

  /** The index of the range holding {@code clock} in sorted, merged ranges, or -(insertion point) - 1. */
  static int findRange(Ranges r, long clock) {
    int lo = 0;
    int hi = r.size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (r.clocks[mid] <= clock) {
        if (clock < r.clocks[mid] + r.lengths[mid]) {
          return mid;
        }
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -lo - 1;
  }
}
