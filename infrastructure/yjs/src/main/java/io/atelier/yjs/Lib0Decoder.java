package io.atelier.yjs;

/**
 * lib0's {@code decoding.js} over a byte array: the primitive reads of update format v1. Unlike lib0, every read checks
 * the remaining bytes first (lib0 reads {@code undefined} past the end and fails later, or not at all), so malformed
 * input fails here, at the offset where it stops making sense.
 */
final class Lib0Decoder {

  /** {@code Number.MAX_SAFE_INTEGER}: lib0 numbers are JS numbers, exact only up to here. */
  static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  final byte[] buf;
  int pos;
  final int end;

  Lib0Decoder(byte[] buf) {
    this(buf, 0, buf.length);
  }

  Lib0Decoder(byte[] buf, int start, int end) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  int remaining() {
    return end - pos;
  }

  boolean hasContent() {
    return pos < end;
  }

  int readUint8(String what) {
    if (pos >= end) {
      throw truncated(what);
    }
    return buf[pos++] & 0xff;
  }

  /** {@code readVarUint}: 7 bits a byte, little end first; values above 2^53 - 1 are refused (JS could not hold them). */
  long readVarUint(String what) {
    int start = pos;
    long num = 0;
    int shift = 0;
    while (true) {
      if (pos >= end) {
        throw truncated(what);
      }
      int r = buf[pos++] & 0xff;
      if (shift == 49 && (r & 0x7f) > 0xf) {
        throw new MalformedUpdateException(what + " at byte " + start + " exceeds 2^53 - 1");
      }
      num |= (long) (r & 0x7f) << shift;
      if (r < 0x80) {
        return num;
      }
      shift += 7;
      if (shift > 49) {
        throw new MalformedUpdateException(what + " at byte " + start + " is a varint longer than 8 bytes (over 53 bits)");
      }
    }
  }

  /** A varUint that must also fit an array length or offset here: lengths beyond 2^31 cannot be backed by the input. */
  int readVarUintLength(String what) {
    int start = pos;
    long len = readVarUint(what);
    if (len > remaining()) {
      throw new MalformedUpdateException(
          what + " at byte " + start + " declares " + len + " bytes but only " + remaining() + " remain");
    }
    return (int) len;
  }

  /**
   * {@code readVarInt}: sign in bit 0x40 of the first byte, 6 value bits there, then 7 a byte. Returns the JS number
   * lib0 returns, so {@code -0.0} for a negative zero.
   */
  double readVarInt(String what) {
    int start = pos;
    int r = readUint8(what);
    long num = r & 0x3f;
    boolean negative = (r & 0x40) != 0;
    int shift = 6;
    while ((r & 0x80) != 0) {
      if (pos >= end) {
        throw truncated(what);
      }
      if (shift > 48) {
        throw new MalformedUpdateException(what + " at byte " + start + " is a varint over 53 bits");
      }
      r = buf[pos++] & 0xff;
      num |= (long) (r & 0x7f) << shift;
      if (num > MAX_SAFE_INTEGER) {
        throw new MalformedUpdateException(what + " at byte " + start + " exceeds 2^53 - 1");
      }
      shift += 7;
    }
    return negative ? -(double) num : (double) num;
  }

  /** Skips {@code len} bytes after checking they are there; returns where they start. */
  int skip(int len, String what) {
    if (len > remaining()) {
      throw truncated(what);
    }
    int start = pos;
    pos += len;
    return start;
  }

  /** {@code readVarString}: varUint byte length, then UTF-8 that lib0's fatal TextDecoder accepts. */
  String readVarString(String what) {
    int len = readVarUintLength(what);
    int start = pos;
    pos += len;
    return Utf8.decode(buf, start, len, what);
  }

  /** Like {@link #readVarString} without building the string: returns the start of the checked UTF-8 bytes. */
  int skipVarString(String what) {
    int len = readVarUintLength(what);
    int start = pos;
    Utf8.check(buf, start, len, what);
    pos += len;
    return start;
  }

  long readInt64BigEndian(String what) {
    int start = skip(8, what);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[start + i] & 0xff);
    }
    return v;
  }

  int readInt32BigEndian(String what) {
    int start = skip(4, what);
    return ((buf[start] & 0xff) << 24) | ((buf[start + 1] & 0xff) << 16) | ((buf[start + 2] & 0xff) << 8)
        | (buf[start + 3] & 0xff);
  }

  MalformedUpdateException truncated(String what) {
    return new MalformedUpdateException("truncated: " + what + " runs past the end at byte " + end);
  }
}
