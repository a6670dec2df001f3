package io.atelier.yjs;

/**
 * One struct of an update as Yjs's lazy reader yields it: a GC, a Skip or an Item with its content still encoded. The
 * Item's content is kept as canonical bytes (what Yjs's {@code content.write(encoder, 0)} emits after its own decoding),
 * usually a range of the update it came from, so merging and diffing copy bytes instead of building JS-like values.
 * Mutable like Yjs's structs: merging extends GCs and Skips in place.
 */
final class Struct {

  static final int GC = 0;
  static final int ITEM = 1;
  static final int SKIP = 10;

  static final int CONTENT_DELETED = 1;
  static final int CONTENT_JSON = 2;
  static final int CONTENT_BINARY = 3;
  static final int CONTENT_STRING = 4;
  static final int CONTENT_EMBED = 5;
  static final int CONTENT_FORMAT = 6;
  static final int CONTENT_TYPE = 7;
  static final int CONTENT_ANY = 8;
  static final int CONTENT_DOC = 9;

  final int kind;
  final long client;
  final long clock;
  long length;

  // Item only. An absent origin has originClient -1 (client ids are never negative).
  long originClient = -1;
  long originClock;
  long rightOriginClient = -1;
  long rightOriginClock;
  /** The parent when neither origin is given: a root type's name (UTF-8 range) or the id of the parent type's item. */
  byte[] names;
  int parentKeyStart = -1;
  int parentKeyLength;
  long parentClient = -1;
  long parentClock;
  int parentSubStart = -1;
  int parentSubLength;

  int contentRef;
  /**
   * Content bytes in {@code content[contentStart, contentEnd)}: for String and Binary the payload without its length,
   * for JSON and Any the elements without their count, for Deleted nothing, else the whole encoded content.
   */
  byte[] content;
  int contentStart;
  int contentEnd;

  Struct(int kind, long client, long clock, long length) {
    this.kind = kind;
    this.client = client;
    this.clock = clock;
    this.length = length;
  }

  long end() {
    return clock + length;
  }

  boolean hasOrigin() {
    return originClient >= 0;
  }

  boolean hasRightOrigin() {
    return rightOriginClient >= 0;
  }

  boolean hasParentSub() {
    return parentSubStart >= 0;
  }

  /** Yjs's {@code sliceStruct}: the part of this struct from {@code diff} on, as a new struct. */
  Struct slice(long diff) {
    if (kind != ITEM) {
      return new Struct(kind, client, clock + diff, length - diff);
    }
    Struct right = new Struct(ITEM, client, clock + diff, length - diff);
    right.originClient = client;
    right.originClock = clock + diff - 1;
    right.rightOriginClient = rightOriginClient;
    right.rightOriginClock = rightOriginClock;
    right.names = names;
    right.parentKeyStart = parentKeyStart;
    right.parentKeyLength = parentKeyLength;
    right.parentClient = parentClient;
    right.parentClock = parentClock;
    right.parentSubStart = parentSubStart;
    right.parentSubLength = parentSubLength;
    right.contentRef = contentRef;
    ItemContent.spliceInto(this, diff, right);
    return right;
  }

  /** Yjs's {@code struct.write(encoder, offset)} (GC, Skip and Item) for update format v1. */
  void write(Lib0Encoder e, long offset) {
    switch (kind) {
      case GC -> {
        e.writeUint8(0);
        e.writeVarUint(length - offset);
      }
      case SKIP -> {
        e.writeUint8(10);
        e.writeVarUint(length - offset);
      }
      default -> writeItem(e, offset);
    }
  }

  private void writeItem(Lib0Encoder e, long offset) {
    boolean origin = offset > 0 || hasOrigin();
    int info = (contentRef & 0x1f) | (origin ? 0x80 : 0) | (hasRightOrigin() ? 0x40 : 0)
        | (hasParentSub() ? 0x20 : 0);
    e.writeUint8(info);
    if (offset > 0) {
      e.writeVarUint(client);
      e.writeVarUint(clock + offset - 1);
    } else if (origin) {
      e.writeVarUint(originClient);
      e.writeVarUint(originClock);
    }
    if (hasRightOrigin()) {
      e.writeVarUint(rightOriginClient);
      e.writeVarUint(rightOriginClock);
    }
    if (!origin && !hasRightOrigin()) {
      if (parentKeyStart >= 0) {
        e.writeVarUint(1);
        e.writeVarBytes(names, parentKeyStart, parentKeyLength);
      } else {
        e.writeVarUint(0);
        e.writeVarUint(parentClient);
        e.writeVarUint(parentClock);
      }
      if (hasParentSub()) {
        e.writeVarBytes(names, parentSubStart, parentSubLength);
      }
    }
    ItemContent.write(this, e, offset);
  }
}
