package io.atelier.yjs;

import java.util.Arrays;

/** lib0's {@code encoding.js}: a growable byte buffer with the writes of update format v1. */
final class Lib0Encoder {

  private byte[] buf;
  private int len;

  Lib0Encoder() {
    this(64);
  }

  Lib0Encoder(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  int length() {
    return len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  void reset() {
    len = 0;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      long wanted = Math.max((long) buf.length * 2, (long) len + more);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new MalformedUpdateException("result would exceed 2 GiB");
      }
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }

  void writeUint8(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  /** {@code writeVarUint} for 0 .. 2^53 - 1. */
  void writeVarUint(long num) {
    ensure(8);
    while (num > 0x7f) {
      buf[len++] = (byte) (0x80 | (num & 0x7f));
      num >>>= 7;
    }
    buf[len++] = (byte) num;
  }

  /** {@code writeVarInt} as writeAny uses it: integers of magnitude up to 2^31 - 1, {@code -0.0} keeping its sign. */
  void writeVarInt(double value) {
    boolean negative = value < 0 || (value == 0 && 1 / value < 0);
    long num = (long) Math.abs(value);
    ensure(10);
    buf[len++] = (byte) ((num > 0x3f ? 0x80 : 0) | (negative ? 0x40 : 0) | (num & 0x3f));
    num >>>= 6;
    while (num > 0) {
      buf[len++] = (byte) ((num > 0x7f ? 0x80 : 0) | (num & 0x7f));
      num >>>= 7;
    }
  }

  void writeBytes(byte[] src, int start, int count) {
    ensure(count);
    System.arraycopy(src, start, buf, len, count);
    len += count;
  }

  void writeBytes(Lib0Encoder other) {
    writeBytes(other.buf, 0, other.len);
  }

  void writeBytes(Lib0Encoder other, int start, int count) {
    writeBytes(other.buf, start, count);
  }

  /** {@code writeVarUint8Array}: varUint length, then the bytes. */
  void writeVarBytes(byte[] src, int start, int count) {
    writeVarUint(count);
    writeBytes(src, start, count);
  }

  /** {@code writeVarString}: TextEncoder's UTF-8 (lone surrogates become U+FFFD) after its varUint byte length. */
  void writeVarString(CharSequence s) {
    int n = Utf8.encodedLength(s);
    writeVarUint(n);
    ensure(n);
    len = Utf8.encode(s, buf, len);
  }

  void writeInt64BigEndian(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[len++] = (byte) (v >>> (i * 8));
    }
  }

  void writeInt32BigEndian(int v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }
}
