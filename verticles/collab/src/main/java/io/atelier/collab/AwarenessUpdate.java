package io.atelier.collab;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A y-protocols awareness update: for each client, its clock and its state as JSON ({@code null} when the client has
 * left). States are kept as the client's own bytes, so what others receive is exactly what it sent.
 */
record AwarenessUpdate(List<Entry> entries) {

  private static final byte[] NULL = "null".getBytes(StandardCharsets.UTF_8);

  /** One client's awareness: its Yjs client id, the clock of its state, the state's JSON. */
  record Entry(long clientId, long clock, byte[] state) {

    boolean removed() {
      return Arrays.equals(state, NULL);
    }

    static Entry removal(long clientId, long clock) {
      return new Entry(clientId, clock, NULL);
    }
  }

  AwarenessUpdate {
    entries = List.copyOf(entries);
  }

  /** Reads an update; throws {@link MalformedMessageException} when it is not one or a state is not JSON. */
  static AwarenessUpdate decode(byte[] update) {
    MessageReader reader = new MessageReader(update);
    long count = reader.readVarUint();
    // Each entry takes at least three bytes: a count larger than that is a lie, not a reason to allocate.
    if (count > update.length / 3) {
      throw new MalformedMessageException("awareness update declares " + count + " states in " + update.length
          + " bytes");
    }
    List<Entry> entries = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      long clientId = reader.readVarUint();
      long clock = reader.readVarUint();
      byte[] state = reader.readVarUint8Array();
      try {
        Json.decodeValue(new String(state, StandardCharsets.UTF_8));
      } catch (DecodeException e) {
        throw new MalformedMessageException("awareness state of client " + clientId + " is not JSON");
      }
      entries.add(new Entry(clientId, clock, state));
    }
    if (reader.hasMore()) {
      throw new MalformedMessageException("bytes after the end of the awareness update");
    }
    return new AwarenessUpdate(entries);
  }

  byte[] encode() {
    MessageWriter writer = new MessageWriter(16 + entries.size() * 32).writeVarUint(entries.size());
    for (Entry entry : entries) {
      writer.writeVarUint(entry.clientId()).writeVarUint(entry.clock()).writeVarUint8Array(entry.state());
    }
    return writer.toByteArray();
  }
}
