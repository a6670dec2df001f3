package io.atelier.yjs;

/**
 * Yjs's {@code LazyStructReader} over update format v1 ({@code lazyStructReaderGenerator} and
 * {@code UpdateDecoderV1}): yields the structs of an update one at a time, in the order they are written, without
 * holding them all. After the last struct, {@link #decoder} is positioned at the delete set.
 */
final class LazyStructReader {

  /** Told of each client section as it starts, before its structs are read (the text reader needs the sections). */
  interface SectionListener {
    void section(long client, long clock, long structs);
  }

  final Lib0Decoder decoder;
  private final SectionListener sections;
  private final boolean filterSkips;
  private long sectionsLeft;
  private long structsLeft;
  private long client;
  private long clock;
  Struct curr;

  LazyStructReader(Lib0Decoder decoder, boolean filterSkips) {
    this(decoder, filterSkips, null);
  }

  LazyStructReader(Lib0Decoder decoder, boolean filterSkips, SectionListener sections) {
    this.decoder = decoder;
    this.filterSkips = filterSkips;
    this.sections = sections;
    this.sectionsLeft = decoder.readVarUint("number of clients with structs");
    next();
  }

  /** Advances to the next struct (skipping Skips if asked to) and returns it, or {@code null} at the end. */
  Struct next() {
    do {
      curr = read();
    } while (filterSkips && curr != null && curr.kind == Struct.SKIP);
    return curr;
  }

  private Struct read() {
    while (structsLeft == 0) {
      if (sectionsLeft == 0) {
        return null;
      }
      sectionsLeft--;
      structsLeft = decoder.readVarUint("number of structs");
      client = decoder.readVarUint("client id");
      clock = decoder.readVarUint("start clock");
      if (sections != null) {
        sections.section(client, clock, structsLeft);
      }
    }
    structsLeft--;
    Lib0Decoder d = decoder;
    int infoAt = d.pos;
    int info = d.readUint8("struct info");
    Struct s;
    if (info == Struct.SKIP) {
      s = new Struct(Struct.SKIP, client, clock, d.readVarUint("Skip length"));
    } else if ((info & 0x1f) != 0) {
      s = readItem(d, info, infoAt);
    } else {
      // Yjs reads any info with zero content bits as a GC, whatever its upper bits say.
      s = new Struct(Struct.GC, client, clock, d.readVarUint("GC length"));
    }
    if (s.length > Lib0Decoder.MAX_SAFE_INTEGER - clock) {
      throw new MalformedUpdateException("struct at byte " + infoAt + " ends past clock 2^53 - 1");
    }
    clock += s.length;
    return s;
  }

  private Struct readItem(Lib0Decoder d, int info, int infoAt) {
    Struct item = new Struct(Struct.ITEM, client, clock, 0);
    if ((info & 0x80) != 0) {
      item.originClient = d.readVarUint("origin client");
      item.originClock = d.readVarUint("origin clock");
    }
    if ((info & 0x40) != 0) {
      item.rightOriginClient = d.readVarUint("right origin client");
      item.rightOriginClock = d.readVarUint("right origin clock");
    }
    if ((info & 0xc0) == 0) {
      item.names = d.buf;
      // readParentInfo() is "varUint === 1": any other number means a parent id.
      if (d.readVarUint("parent info") == 1) {
        int len = d.readVarUintLength("parent type name");
        item.parentKeyStart = d.pos;
        item.parentKeyLength = len;
        Utf8.check(d.buf, d.pos, len, "parent type name at byte " + d.pos);
        d.pos += len;
      } else {
        item.parentClient = d.readVarUint("parent client");
        item.parentClock = d.readVarUint("parent clock");
      }
      if ((info & 0x20) != 0) {
        int len = d.readVarUintLength("parent map key");
        item.parentSubStart = d.pos;
        item.parentSubLength = len;
        Utf8.check(d.buf, d.pos, len, "parent map key at byte " + d.pos);
        d.pos += len;
      }
    }
    item.length = ItemContent.read(d, item, info & 0x1f, infoAt);
    return item;
  }
}
