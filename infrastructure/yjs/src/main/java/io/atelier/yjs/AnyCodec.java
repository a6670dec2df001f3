package io.atelier.yjs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * lib0's {@code readAny}/{@code writeAny}. Yjs decodes ContentAny values to JS values and encodes them again, which
 * is not the identity: a float64 holding a small integer comes back as a varInt, a repeated object key collapses, keys
 * move into JS property order. {@link #skip} checks an encoded value without building it and says whether it is already
 * in that canonical form (the usual case: Yjs wrote it); only values that are not get decoded ({@link #read}) and
 * written again ({@link #write}).
 */
final class AnyCodec {

  /** Deeper nesting is refused: V8's recursive readAny overflows its stack a few thousand levels down. */
  static final int MAX_DEPTH = 1000;

  private static final double MAX_VARINT = 0x7fffffff;

  private AnyCodec() {
  }

  /** Reads past one value, failing on what lib0 would refuse; returns whether its bytes are what writeAny writes. */
  static boolean skip(Lib0Decoder d, int depth) {
    if (depth > MAX_DEPTH) {
      throw new MalformedUpdateException("any value at byte " + d.pos + " nests deeper than " + MAX_DEPTH);
    }
    int at = d.pos;
    int tag = d.readUint8("any value type");
    switch (tag) {
      case 127, 126, 121, 120:
        return true;
      case 125: {
        double v = d.readVarInt("any integer");
        return minimal(d, at + 1) && Math.abs(v) <= MAX_VARINT;
      }
      case 124: {
        float f = Float.intBitsToFloat(d.readInt32BigEndian("any float32"));
        rejectSignalingNaN(Float.floatToRawIntBits(f), at);
        return !Float.isNaN(f) && !isSmallInteger(f);
      }
      case 123: {
        long bits = d.readInt64BigEndian("any float64");
        double v = Double.longBitsToDouble(bits);
        rejectSignalingNaN(bits, at);
        return !isSmallInteger(v) && !isFloat32(v);
      }
      case 122:
        d.skip(8, "any bigint");
        return true;
      case 119: {
        int lenAt = d.pos;
        d.skipVarString("any string");
        return minimalVarUintAt(d.buf, lenAt);
      }
      case 118:
        return skipObject(d, depth);
      case 117: {
        int lenAt = d.pos;
        long n = d.readVarUint("any array length");
        boolean canonical = minimal(d, lenAt);
        checkCount(d, n, 1, "any array length", lenAt);
        for (long k = 0; k < n; k++) {
          canonical &= skip(d, depth + 1);
        }
        return canonical;
      }
      case 116: {
        int lenAt = d.pos;
        int len = d.readVarUintLength("any Uint8Array");
        d.skip(len, "any Uint8Array");
        return minimalVarUintAt(d.buf, lenAt);
      }
      default:
        throw new MalformedUpdateException("unknown any value type " + tag + " at byte " + at);
    }
  }

  private static boolean skipObject(Lib0Decoder d, int depth) {
    int lenAt = d.pos;
    long n = d.readVarUint("any object size");
    boolean canonical = minimal(d, lenAt);
    checkCount(d, n, 2, "any object size", lenAt);
    int[] keys = new int[(int) Math.min(n, 16) * 2];
    HashSet<String> manyKeys = n > 16 ? new HashSet<>() : null;
    long lastIndex = -1;
    boolean namedSeen = false;
    for (int k = 0; k < n; k++) {
      int keyLenAt = d.pos;
      int keyStart = d.skipVarString("any object key");
      int keyLen = d.pos - keyStart;
      canonical &= minimalVarUintAt(d.buf, keyLenAt);
      if (canonical) {
        // Canonical keys: no "__proto__", no repeats, array indices first and ascending.
        long index = arrayIndex(d.buf, keyStart, keyLen);
        if (index >= 0) {
          canonical = !namedSeen && index > lastIndex;
          lastIndex = index;
        } else {
          namedSeen = true;
          boolean repeated = manyKeys != null
              ? !manyKeys.add(new String(d.buf, keyStart, keyLen, StandardCharsets.UTF_8))
              : repeats(d.buf, keys, k, keyStart, keyLen);
          canonical = !isProtoKey(d.buf, keyStart, keyLen) && !repeated;
        }
        if (manyKeys == null) {
          keys[k * 2] = keyStart;
          keys[k * 2 + 1] = keyLen;
        }
      }
      canonical &= skip(d, depth + 1);
    }
    return canonical;
  }

  private static boolean repeats(byte[] buf, int[] keys, int count, int start, int len) {
    for (int k = 0; k < count; k++) {
      if (keys[k * 2 + 1] == len && Arrays.equals(buf, keys[k * 2], keys[k * 2] + len, buf, start, start + len)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isProtoKey(byte[] buf, int start, int len) {
    return len == 9 && new String(buf, start, len, StandardCharsets.ISO_8859_1).equals("__proto__");
  }

  private static long arrayIndex(byte[] buf, int start, int len) {
    if (len == 0 || len > 10) {
      return -1;
    }
    return JsObject.arrayIndex(new String(buf, start, len, StandardCharsets.ISO_8859_1));
  }

  /** Reads one value into its JS form (see {@link JsObject} for what stands for what). */
  static Object read(Lib0Decoder d, int depth) {
    if (depth > MAX_DEPTH) {
      throw new MalformedUpdateException("any value at byte " + d.pos + " nests deeper than " + MAX_DEPTH);
    }
    int at = d.pos;
    int tag = d.readUint8("any value type");
    switch (tag) {
      case 127:
        return JsObject.UNDEFINED;
      case 126:
        return JsObject.NULL;
      case 125:
        return d.readVarInt("any integer");
      case 124: {
        int bits = d.readInt32BigEndian("any float32");
        rejectSignalingNaN(bits, at);
        return (double) Float.intBitsToFloat(bits);
      }
      case 123: {
        long bits = d.readInt64BigEndian("any float64");
        rejectSignalingNaN(bits, at);
        return Double.longBitsToDouble(bits);
      }
      case 122:
        return new JsObject.BigInt64(d.readInt64BigEndian("any bigint"));
      case 121:
        return Boolean.FALSE;
      case 120:
        return Boolean.TRUE;
      case 119:
        return d.readVarString("any string");
      case 118: {
        int lenAt = d.pos;
        long n = d.readVarUint("any object size");
        checkCount(d, n, 2, "any object size", lenAt);
        JsObject o = new JsObject();
        for (long k = 0; k < n; k++) {
          String key = d.readVarString("any object key");
          o.assign(key, read(d, depth + 1), "any object at byte " + at);
        }
        return o;
      }
      case 117: {
        int lenAt = d.pos;
        long n = d.readVarUint("any array length");
        checkCount(d, n, 1, "any array length", lenAt);
        List<Object> a = new ArrayList<>((int) n);
        for (long k = 0; k < n; k++) {
          a.add(read(d, depth + 1));
        }
        return a;
      }
      case 116: {
        int len = d.readVarUintLength("any Uint8Array");
        int start = d.skip(len, "any Uint8Array");
        return Arrays.copyOfRange(d.buf, start, start + len);
      }
      default:
        throw new MalformedUpdateException("unknown any value type " + tag + " at byte " + at);
    }
  }

  /** lib0's writeAny. */
  static void write(Lib0Encoder e, Object v) {
    if (v instanceof String s) {
      e.writeUint8(119);
      e.writeVarString(s);
    } else if (v instanceof Double num) {
      double x = num;
      if (isSmallInteger(x)) {
        e.writeUint8(125);
        e.writeVarInt(x);
      } else if (isFloat32(x)) {
        e.writeUint8(124);
        e.writeInt32BigEndian(Float.floatToRawIntBits((float) x));
      } else {
        e.writeUint8(123);
        e.writeInt64BigEndian(Double.doubleToRawLongBits(x));
      }
    } else if (v instanceof JsObject.BigInt64 b) {
      e.writeUint8(122);
      e.writeInt64BigEndian(b.value());
    } else if (v == JsObject.NULL) {
      e.writeUint8(126);
    } else if (v instanceof List<?> list) {
      e.writeUint8(117);
      e.writeVarUint(list.size());
      for (Object item : list) {
        write(e, item);
      }
    } else if (v instanceof byte[] bytes) {
      e.writeUint8(116);
      e.writeVarBytes(bytes, 0, bytes.length);
    } else if (v instanceof JsObject o) {
      e.writeUint8(118);
      List<Map.Entry<String, Object>> entries = o.entries();
      e.writeVarUint(entries.size());
      for (Map.Entry<String, Object> entry : entries) {
        e.writeVarString(entry.getKey());
        write(e, entry.getValue());
      }
    } else if (v instanceof Boolean b) {
      e.writeUint8(b ? 120 : 121);
    } else {
      e.writeUint8(127);
    }
  }

  /** {@code Number.isInteger(x) && Math.abs(x) <= BITS31}: the numbers writeAny writes as varInt. */
  private static boolean isSmallInteger(double x) {
    return x == Math.rint(x) && !Double.isInfinite(x) && Math.abs(x) <= MAX_VARINT;
  }

  private static boolean isFloat32(double x) {
    return (double) (float) x == x;
  }

  /**
   * V8 quiets a signalling NaN in some places it stores a number and not in others, so the bits Yjs would write back
   * depend on context we cannot see; refused rather than guessed. Quiet NaNs keep their bits, as in V8.
   */
  private static void rejectSignalingNaN(long bits, int at) {
    if ((bits & 0x7ff0000000000000L) == 0x7ff0000000000000L && (bits & 0x000fffffffffffffL) != 0
        && (bits & 0x0008000000000000L) == 0) {
      throw new MalformedUpdateException("any float64 at byte " + at + " is a signalling NaN");
    }
  }

  private static void rejectSignalingNaN(int bits, int at) {
    if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x007fffff) != 0 && (bits & 0x00400000) == 0) {
      throw new MalformedUpdateException("any float32 at byte " + at + " is a signalling NaN");
    }
  }

  static void checkCount(Lib0Decoder d, long n, int minBytesEach, String what, int at) {
    if (n > d.remaining() / minBytesEach) {
      throw new MalformedUpdateException(
          what + " at byte " + at + " declares " + n + " entries but only " + d.remaining() + " bytes remain");
    }
  }

  /** Whether the varint that started at {@code start} and ended at the decoder's position has no redundant bytes. */
  static boolean minimal(Lib0Decoder d, int start) {
    return d.pos - start == 1 || d.buf[d.pos - 1] != 0;
  }

  /** Whether the varUint at {@code at} is written in as few bytes as lib0 would write it. */
  static boolean minimalVarUintAt(byte[] buf, int at) {
    int i = at;
    while ((buf[i] & 0x80) != 0) {
      i++;
    }
    return i == at || buf[i] != 0;
  }
}
