package io.atelier.collab;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads lib0's encoding as y-protocols frames its messages: variable-length unsigned integers (7 bits a byte, at
 * most 53 bits as JavaScript numbers allow), byte arrays and UTF-8 strings prefixed by their length. Every read
 * checks what is left first, so a frame that lies about a length fails at once, naming the offset.
 */
final class MessageReader {

  private final byte[] bytes;
  private int offset;

  MessageReader(byte[] bytes) {
    this.bytes = bytes;
  }

  boolean hasMore() {
    return offset < bytes.length;
  }

  long readVarUint() {
    long value = 0;
    int shift = 0;
    int start = offset;
    while (true) {
      if (offset >= bytes.length) {
        throw new MalformedMessageException("truncated variable-length integer at byte " + start);
      }
      int b = bytes[offset++] & 0xff;
      value |= (long) (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) {
        break;
      }
      if (shift > 49) {
        throw new MalformedMessageException("variable-length integer over 53 bits at byte " + start);
      }
    }
    if (value > 0x1f_ffff_ffff_ffffL) {
      throw new MalformedMessageException("variable-length integer over 53 bits at byte " + start);
    }
    return value;
  }

  byte[] readVarUint8Array() {
    int start = offset;
    long length = readVarUint();
    if (length > bytes.length - offset) {
      throw new MalformedMessageException("byte array at byte " + start + " declares " + length + " bytes; "
          + (bytes.length - offset) + " are left");
    }
    byte[] array = new byte[(int) length];
    System.arraycopy(bytes, offset, array, 0, array.length);
    offset += array.length;
    return array;
  }

  String readVarString() {
    int start = offset;
    byte[] utf8 = readVarUint8Array();
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedMessageException("string at byte " + start + " is not UTF-8");
    }
  }
}
