package io.atelier.yjs;

/**
 * The nine Content types of Yjs ({@code src/structs/Content*.js}): reading them from update v1 into a {@link Struct}'s
 * canonical content bytes, writing them at an offset, splitting them. Reading does what Yjs's decode-then-encode does
 * (JSON through JSON.parse/JSON.stringify, Any through readAny/writeAny, ContentDoc's options through {@code new Doc});
 * when the input already is in that form, which is what Yjs writes, the bytes are a range of the input.
 */
final class ItemContent {

  private ItemContent() {
  }

  /** Reads the content of {@code item} (info byte already read) and returns its length in clock units. */
  static long read(Lib0Decoder d, Struct item, int ref, int infoAt) {
    item.contentRef = ref;
    item.content = d.buf;
    switch (ref) {
      case Struct.CONTENT_DELETED: {
        long len = d.readVarUint("ContentDeleted length");
        item.contentStart = item.contentEnd = d.pos;
        return len;
      }
      case Struct.CONTENT_JSON:
        return readJson(d, item);
      case Struct.CONTENT_BINARY: {
        int len = d.readVarUintLength("ContentBinary");
        item.contentStart = d.skip(len, "ContentBinary");
        item.contentEnd = d.pos;
        return 1;
      }
      case Struct.CONTENT_STRING: {
        int len = d.readVarUintLength("ContentString");
        int start = d.pos;
        int units = Utf8.check(d.buf, start, len, "ContentString at byte " + start);
        d.pos += len;
        item.contentStart = start;
        item.contentEnd = d.pos;
        return units;
      }
      case Struct.CONTENT_EMBED: {
        int start = d.pos;
        String json = d.readVarString("ContentEmbed");
        boolean minimal = AnyCodec.minimalVarUintAt(d.buf, start);
        keepOrReplace(item, start, d.pos, json, null, minimal);
        return 1;
      }
      case Struct.CONTENT_FORMAT: {
        int start = d.pos;
        String key = d.readVarString("ContentFormat key");
        int valueAt = d.pos;
        String json = d.readVarString("ContentFormat value");
        boolean minimal = AnyCodec.minimalVarUintAt(d.buf, start) && AnyCodec.minimalVarUintAt(d.buf, valueAt);
        keepOrReplace(item, start, d.pos, json, key, minimal);
        return 1;
      }
      case Struct.CONTENT_TYPE:
        readType(d, item);
        return 1;
      case Struct.CONTENT_ANY:
        return readAny(d, item);
      case Struct.CONTENT_DOC:
        readDoc(d, item);
        return 1;
      default:
        throw new MalformedUpdateException("unknown content type " + ref + " in the info byte at byte " + infoAt);
    }
  }

  private static long readJson(Lib0Decoder d, Struct item) {
    int lenAt = d.pos;
    long n = d.readVarUint("ContentJSON length");
    AnyCodec.checkCount(d, n, 1, "ContentJSON length", lenAt);
    int start = d.pos;
    boolean canonical = true;
    for (long k = 0; k < n; k++) {
      int at = d.pos;
      String s = d.readVarString("ContentJSON element");
      if (!s.equals("undefined")) {
        canonical &= JsonText.canonical(s, "ContentJSON element at byte " + at).equals(s);
      }
      canonical &= AnyCodec.minimalVarUintAt(d.buf, at);
    }
    item.contentStart = start;
    item.contentEnd = d.pos;
    if (!canonical) {
      Lib0Decoder again = new Lib0Decoder(d.buf, start, d.pos);
      Lib0Encoder e = new Lib0Encoder(d.pos - start);
      for (long k = 0; k < n; k++) {
        String s = again.readVarString("ContentJSON element");
        e.writeVarString(s.equals("undefined") ? s : JsonText.canonical(s, "ContentJSON element"));
      }
      replace(item, e);
    }
    return n;
  }

  /** Embed and Format: the JSON written back is JSON.stringify(JSON.parse(json)). */
  private static void keepOrReplace(Struct item, int start, int end, String json, String formatKey,
      boolean minimal) {
    String canonical = JsonText.canonical(json, (formatKey == null ? "ContentEmbed" : "ContentFormat value")
        + " at byte " + start);
    item.contentStart = start;
    item.contentEnd = end;
    if (!minimal || !canonical.equals(json)) {
      Lib0Encoder e = new Lib0Encoder();
      if (formatKey != null) {
        e.writeVarString(formatKey);
      }
      e.writeVarString(canonical);
      replace(item, e);
    }
  }

  private static void readType(Lib0Decoder d, Struct item) {
    int start = d.pos;
    long typeRef = d.readVarUint("ContentType type");
    if (typeRef > 6) {
      throw new MalformedUpdateException("unknown type " + typeRef + " in ContentType at byte " + start);
    }
    boolean minimal = d.pos - start == 1;
    String key = null;
    if (typeRef == 3 || typeRef == 5) { // YXmlElement's nodeName, YXmlHook's hookName
      int keyAt = d.pos;
      key = d.readVarString("ContentType node name");
      minimal &= AnyCodec.minimalVarUintAt(d.buf, keyAt);
    }
    item.contentStart = start;
    item.contentEnd = d.pos;
    if (!minimal) {
      Lib0Encoder e = new Lib0Encoder();
      e.writeVarUint(typeRef);
      if (key != null) {
        e.writeVarString(key);
      }
      replace(item, e);
    }
  }

  private static long readAny(Lib0Decoder d, Struct item) {
    int lenAt = d.pos;
    long n = d.readVarUint("ContentAny length");
    AnyCodec.checkCount(d, n, 1, "ContentAny length", lenAt);
    int start = d.pos;
    boolean canonical = true;
    for (long k = 0; k < n; k++) {
      canonical &= AnyCodec.skip(d, 0);
    }
    item.contentStart = start;
    item.contentEnd = d.pos;
    if (!canonical) {
      Lib0Decoder again = new Lib0Decoder(d.buf, start, d.pos);
      Lib0Encoder e = new Lib0Encoder(d.pos - start);
      for (long k = 0; k < n; k++) {
        AnyCodec.write(e, AnyCodec.read(again, 0));
      }
      replace(item, e);
    }
    return n;
  }

  /**
   * ContentDoc is read as {@code new Doc({ guid, ...opts })} and written from that Doc's {@code gc}, {@code autoLoad}
   * and {@code meta} only, so the options are always rebuilt.
   */
  private static void readDoc(Lib0Decoder d, Struct item) {
    int at = d.pos;
    String guid = d.readVarString("ContentDoc guid");
    Object opts = AnyCodec.read(d, 0);
    if (opts == JsObject.UNDEFINED || opts == JsObject.NULL) {
      throw new MalformedUpdateException("ContentDoc at byte " + at + " has options " + opts + " (Yjs reads their "
          + "properties and throws)");
    }
    Object gc = JsObject.UNDEFINED;
    Object autoLoad = JsObject.UNDEFINED;
    Object meta = JsObject.UNDEFINED;
    if (opts instanceof JsObject o) {
      gc = o.getOwn("gc");
      autoLoad = o.getOwn("autoLoad");
      meta = o.getOwn("meta");
    }
    JsObject written = new JsObject();
    if (gc != JsObject.UNDEFINED && !JsObject.truthy(gc)) {
      written.define("gc", Boolean.FALSE);
    }
    if (JsObject.truthy(autoLoad)) {
      written.define("autoLoad", Boolean.TRUE);
    }
    if (meta != JsObject.UNDEFINED && meta != JsObject.NULL) {
      written.define("meta", meta);
    }
    Lib0Encoder e = new Lib0Encoder();
    e.writeVarString(guid);
    AnyCodec.write(e, written);
    replace(item, e);
  }

  private static void replace(Struct item, Lib0Encoder e) {
    item.content = e.toByteArray();
    item.contentStart = 0;
    item.contentEnd = item.content.length;
  }

  /** {@code content.write(encoder, offset)}. */
  static void write(Struct item, Lib0Encoder e, long offset) {
    byte[] c = item.content;
    switch (item.contentRef) {
      case Struct.CONTENT_DELETED -> e.writeVarUint(item.length - offset);
      case Struct.CONTENT_JSON, Struct.CONTENT_ANY -> {
        e.writeVarUint(item.length - offset);
        int from = offset == 0 ? item.contentStart : skipElements(item, offset);
        e.writeBytes(c, from, item.contentEnd - from);
      }
      case Struct.CONTENT_STRING -> {
        if (offset == 0) {
          e.writeVarBytes(c, item.contentStart, item.contentEnd - item.contentStart);
        } else {
          writeStringTail(item, e, offset);
        }
      }
      case Struct.CONTENT_BINARY -> e.writeVarBytes(c, item.contentStart, item.contentEnd - item.contentStart);
      default -> e.writeBytes(c, item.contentStart, item.contentEnd - item.contentStart);
    }
  }

  /**
   * {@code str.slice(offset)} through TextEncoder: when the offset splits a surrogate pair the tail starts with a lone
   * low surrogate, which TextEncoder writes as U+FFFD.
   */
  private static void writeStringTail(Struct item, Lib0Encoder e, long offset) {
    int at = Utf8.byteOffsetOf(item.content, item.contentStart, item.contentEnd, offset);
    if (at >= 0) {
      e.writeVarBytes(item.content, at, item.contentEnd - at);
    } else {
      int pairEnd = -at - 1 + 4;
      e.writeVarUint(3 + item.contentEnd - pairEnd);
      e.writeUint8(0xef);
      e.writeUint8(0xbf);
      e.writeUint8(0xbd);
      e.writeBytes(item.content, pairEnd, item.contentEnd - pairEnd);
    }
  }

  /** Where element {@code offset} of canonical JSON or Any content starts. */
  private static int skipElements(Struct item, long offset) {
    Lib0Decoder d = new Lib0Decoder(item.content, item.contentStart, item.contentEnd);
    for (long k = 0; k < offset; k++) {
      if (item.contentRef == Struct.CONTENT_JSON) {
        d.skip(d.readVarUintLength("ContentJSON element"), "ContentJSON element");
      } else {
        AnyCodec.skip(d, 0);
      }
    }
    return d.pos;
  }

  /** {@code content.splice(diff)}'s right part, put into {@code right}. */
  static void spliceInto(Struct left, long diff, Struct right) {
    right.content = left.content;
    right.contentEnd = left.contentEnd;
    switch (left.contentRef) {
      case Struct.CONTENT_DELETED -> right.contentStart = left.contentEnd;
      case Struct.CONTENT_JSON, Struct.CONTENT_ANY -> right.contentStart = skipElements(left, diff);
      case Struct.CONTENT_STRING -> {
        int at = Utf8.byteOffsetOf(left.content, left.contentStart, left.contentEnd, diff);
        if (at >= 0) {
          right.contentStart = at;
        } else {
          // ContentString.splice replaces both halves of a split surrogate pair with U+FFFD.
          int pairEnd = -at - 1 + 4;
          byte[] tail = new byte[3 + left.contentEnd - pairEnd];
          tail[0] = (byte) 0xef;
          tail[1] = (byte) 0xbf;
          tail[2] = (byte) 0xbd;
          System.arraycopy(left.content, pairEnd, tail, 3, left.contentEnd - pairEnd);
          right.content = tail;
          right.contentStart = 0;
          right.contentEnd = tail.length;
        }
      }
      default -> throw new IllegalStateException("content type " + left.contentRef + " cannot be split");
    }
  }
}
