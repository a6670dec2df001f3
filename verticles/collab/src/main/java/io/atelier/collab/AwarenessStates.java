package io.atelier.collab;

import io.atelier.collab.AwarenessUpdate.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in a document, as y-protocols' Awareness keeps it, without a Yjs document: each client's latest state and
 * clock, and which connection of this node announced it (none for clients on other nodes). The rules are
 * y-protocols' {@code applyAwarenessUpdate}: a state replaces another with a higher clock, or with the same clock
 * when it removes the client.
 */
final class AwarenessStates {

  /** After this long without renewal a state is dropped, as y-protocols' outdatedTimeout does (clients renew every 15 s). */
  static final long OUTDATED_NANOS = 30_000_000_000L;

  private record State(long clock, byte[] json, long updatedAt, CollabConnection owner) {
  }

  private final Map<Long, State> states = new HashMap<>();
  /** Clocks of clients removed, so a late copy of an older state does not bring them back. */
  private final Map<Long, Long> removedClocks = new HashMap<>();

  /** Applies an update; returns the entries it changed or renewed, which are the ones to pass on. */
  List<Entry> apply(AwarenessUpdate update, CollabConnection owner) {
    long now = System.nanoTime();
    List<Entry> accepted = new ArrayList<>();
    for (Entry entry : update.entries()) {
      State current = states.get(entry.clientId());
      long currentClock = current != null ? current.clock() : removedClocks.getOrDefault(entry.clientId(), 0L);
      boolean newer = currentClock < entry.clock();
      boolean removesPresent = currentClock == entry.clock() && entry.removed() && current != null;
      if (!newer && !removesPresent) {
        continue;
      }
      if (entry.removed()) {
        states.remove(entry.clientId());
        removedClocks.put(entry.clientId(), entry.clock());
        if (owner != null) {
          owner.awarenessClients.remove(entry.clientId());
        }
      } else {
        states.put(entry.clientId(), new State(entry.clock(), entry.state(), now, owner));
        removedClocks.remove(entry.clientId());
        if (owner != null) {
          owner.awarenessClients.add(entry.clientId());
        }
      }
      accepted.add(entry);
    }
    return accepted;
  }

  /** Removes the states {@code connection} announced (it closed), as the reference server does; the removals to pass on. */
  List<Entry> removeOwnedBy(CollabConnection connection) {
    List<Entry> removals = new ArrayList<>();
    for (Long clientId : connection.awarenessClients) {
      State current = states.get(clientId);
      if (current != null && current.owner() == connection) {
        removals.add(Entry.removal(clientId, current.clock() + 1));
      }
    }
    connection.awarenessClients.clear();
    return apply(new AwarenessUpdate(removals), null);
  }

  /** Removes states not renewed for {@link #OUTDATED_NANOS}; the removals to pass on to this node's connections. */
  List<Entry> removeOutdated() {
    long now = System.nanoTime();
    List<Entry> removals = new ArrayList<>();
    states.forEach((clientId, state) -> {
      if (now - state.updatedAt() > OUTDATED_NANOS) {
        removals.add(Entry.removal(clientId, state.clock() + 1));
      }
    });
    return removals.isEmpty() ? removals : apply(new AwarenessUpdate(removals), null);
  }

  /** Every state known, as an update for a connection that just joined; null when there is none. */
  AwarenessUpdate all() {
    if (states.isEmpty()) {
      return null;
    }
    List<Entry> entries = new ArrayList<>(states.size());
    states.forEach((clientId, state) -> entries.add(new Entry(clientId, state.clock(), state.json())));
    return new AwarenessUpdate(entries);
  }

  boolean isEmpty() {
    return states.isEmpty();
  }
}
