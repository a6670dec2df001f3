package io.atelier.collab;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes lib0's encoding as y-protocols frames its messages (see {@link MessageReader}). */
final class MessageWriter {

  private final ByteArrayOutputStream out;

  MessageWriter(int expectedSize) {
    out = new ByteArrayOutputStream(expectedSize);
  }

  MessageWriter writeVarUint(long value) {
    while (value > 0x7f) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
    return this;
  }

  MessageWriter writeVarUint8Array(byte[] bytes) {
    writeVarUint(bytes.length);
    out.write(bytes, 0, bytes.length);
    return this;
  }

  MessageWriter writeVarString(String text) {
    return writeVarUint8Array(text.getBytes(StandardCharsets.UTF_8));
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
