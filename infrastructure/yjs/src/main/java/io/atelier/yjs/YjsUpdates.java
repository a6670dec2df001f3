package io.atelier.yjs;

import java.util.List;

/**
 * Yjs's standalone update functions on update format v1 (Yjs {@code src/utils/updates.js}), so the server keeps a
 * document as a log of updates instead of a resident CRDT. Results are byte-for-byte what Yjs 13.6 returns for the
 * same arguments. Every method fully decodes what it is given and throws {@link MalformedUpdateException} for bytes
 * that are not a valid update (or state vector); none of them keeps state between calls.
 *
 * <p>Validity is what Yjs's decoders accept (bytes after the delete set are ignored, as Yjs ignores them), less a few
 * things this port refuses where Yjs would accept them with imprecise or context-dependent results: integers above
 * 2^53 - 1 and clocks running past it, any or JSON values nested deeper than 1000, signalling NaNs, and objects whose
 * {@code __proto__} is a Uint8Array. {@link #stateVector} also checks the delete set, which Yjs does not read there.
 *
 * <p>An interface, so that a native engine could stand in for the Java one.
 */
public interface YjsUpdates {

  /** The Java implementation. */
  static YjsUpdates java() {
    return JavaYjsUpdates.INSTANCE;
  }

  /**
   * {@code Y.mergeUpdates(updates)}: one update holding everything the given updates hold. Like Yjs, a single update is
   * returned as it is (a copy), and no updates give the empty update {@code [0, 0]}.
   */
  byte[] merge(List<byte[]> updates);

  /** {@code Y.diffUpdate(update, stateVector)}: the part of {@code update} that a peer at {@code stateVector} lacks. */
  byte[] diff(byte[] update, byte[] stateVector);

  /**
   * Whether a {@code Y.Doc} that has applied {@code state} changes (emits an update) when it applies {@code update}:
   * the update holds a struct the state lacks or deletes what the state has not deleted. Where the state has a gap
   * (structs waiting for others), structs past it count as lacking: the answer may be true where Yjs would keep the
   * update pending, never false where Yjs would change.
   */
  boolean adds(byte[] state, byte[] update);

  /** {@code Y.encodeStateVectorFromUpdate(update)}. */
  byte[] stateVector(byte[] update);

  /** Decodes the whole update and throws {@link MalformedUpdateException} if it is not one. */
  void validate(byte[] update);

  /**
   * {@code doc.getText(name).toString()} of a document that has applied {@code update}: the root text type's
   * string content in document order, deleted content left out; {@code ""} when the update has no such root.
   */
  String text(byte[] update, String name);

  /**
   * An update that a document made by client {@code clientId} would emit for {@code doc.getText(name).insert(0,
   * text)} on an empty document (clock 0). Yjs emits nothing for an empty {@code text}; this returns the empty update
   * {@code [0, 0]} then. {@code clientId} must be 0 .. 2^53 - 1.
   */
  byte[] insertText(long clientId, String name, String text);
}
