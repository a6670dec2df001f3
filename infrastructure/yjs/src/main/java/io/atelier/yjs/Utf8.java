package io.atelier.yjs;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 the way lib0 sees it through the WHATWG codecs: decoding is fatal (lib0's {@code TextDecoder} has
 * {@code fatal: true, ignoreBOM: true}), encoding writes a lone surrogate as U+FFFD ({@code EF BF BD}) where Java's
 * encoder would write {@code '?'}. JS and Java strings are both UTF-16, so lengths and offsets agree.
 */
final class Utf8 {

  private Utf8() {
  }

  static String decode(byte[] buf, int start, int len, String what) {
    check(buf, start, len, what);
    // Valid UTF-8 (checked above) decodes the same in Java as in TextDecoder, BOM included.
    return new String(buf, start, len, StandardCharsets.UTF_8);
  }

  /** Checks well-formed UTF-8 and returns its length in UTF-16 code units. */
  static int check(byte[] buf, int start, int len, String what) {
    int i = start;
    int end = start + len;
    int units = 0;
    while (i < end) {
      int b = buf[i];
      if (b >= 0) {
        i++;
        units++;
        continue;
      }
      b &= 0xff;
      int need;
      int min2 = 0x80;
      int max2 = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b == 0xe0) {
          min2 = 0xa0;
        } else if (b == 0xed) {
          max2 = 0x9f; // UTF-8 encoded surrogates are refused
        }
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b == 0xf0) {
          min2 = 0x90;
        } else if (b == 0xf4) {
          max2 = 0x8f;
        }
      } else {
        throw invalid(what, i);
      }
      if (i + need >= end) {
        throw invalid(what, i);
      }
      int b2 = buf[i + 1] & 0xff;
      if (b2 < min2 || b2 > max2) {
        throw invalid(what, i);
      }
      for (int k = 2; k <= need; k++) {
        int bk = buf[i + k] & 0xff;
        if (bk < 0x80 || bk > 0xbf) {
          throw invalid(what, i);
        }
      }
      i += need + 1;
      units += need == 3 ? 2 : 1;
    }
    return units;
  }

  private static MalformedUpdateException invalid(String what, int at) {
    return new MalformedUpdateException(what + " is not valid UTF-8 at byte " + at);
  }

  /** The byte length {@link #encode} will produce. */
  static int encodedLength(CharSequence s) {
    int n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3; // BMP character, or a lone surrogate written as U+FFFD
      }
    }
    return n;
  }

  /** TextEncoder's UTF-8: a lone surrogate becomes U+FFFD. Writes at {@code out[at]}, returns the end. */
  static int encode(CharSequence s, byte[] out, int at) {
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[at++] = (byte) c;
      } else if (c < 0x800) {
        out[at++] = (byte) (0xc0 | (c >> 6));
        out[at++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          out[at++] = (byte) (0xf0 | (cp >> 18));
          out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
          out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
          out[at++] = (byte) (0x80 | (cp & 0x3f));
        } else {
          out[at++] = (byte) 0xef;
          out[at++] = (byte) 0xbf;
          out[at++] = (byte) 0xbd;
        }
      } else {
        out[at++] = (byte) (0xe0 | (c >> 12));
        out[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        out[at++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return at;
  }

  /**
   * The byte offset, within well-formed UTF-8 {@code [start, end)}, of UTF-16 offset {@code units}. If that offset falls
   * inside a surrogate pair the result is the start of the pair's 4-byte sequence, negated minus one.
   */
  static int byteOffsetOf(byte[] buf, int start, int end, long units) {
    int i = start;
    long u = 0;
    while (u < units) {
      int b = buf[i] & 0xff;
      if (b < 0x80) {
        i++;
        u++;
      } else if (b < 0xe0) {
        i += 2;
        u++;
      } else if (b < 0xf0) {
        i += 3;
        u++;
      } else {
        if (u + 1 == units) {
          return -i - 1;
        }
        i += 4;
        u += 2;
      }
    }
    return i;
  }
}
