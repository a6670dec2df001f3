package io.atelier.upload;

import io.netty.buffer.ByteBuf;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.MessageDigestSpi;
import java.util.Arrays;

/**
 * SHA-256 over an upload's bytes, which stops at any byte, is stored with the upload ({@link #state()}) and goes on
 * from there on whichever node takes the upload next ({@link #resume}).
 *
 * <p>The JDK's SHA-256 is about seven times as fast as a Java one where the CPU has SHA instructions (1.3 GB/s
 * against 0.2 here: at upload speeds, most of a core), but it keeps its state to itself: with
 * {@code --add-opens java.base/java.security} and {@code java.base/sun.security.provider} (the launcher's jar asks
 * for both) it is read and set through its fields, after a check at start-up that doing so gives the right
 * digests. Without them, or should a JDK lay its fields out otherwise, the same hash runs in Java
 * ({@link #compress}): slower, never different.
 *
 * <p>The stored state: a format byte (1), the eight hash words, the count of bytes hashed (big-endian long), the
 * count of bytes past the last whole 64-byte block and those bytes.
 */
final class RunningSha256 {

  private static final int FORMAT = 1;
  private static final int[] INITIAL = {
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  private static final int[] K = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

  /** The JDK digest's fields, or null when they cannot be used. */
  private static final JdkFields JDK = JdkFields.find();

  /** The JDK's digest (fast path), or null: then {@code words}, {@code pending} and {@code count} hold the state. */
  private final MessageDigest jdk;
  private final int[] words;
  private final byte[] pending = new byte[64];
  private int pendingLength;
  private long count;

  private RunningSha256(MessageDigest jdk, int[] words) {
    this.jdk = jdk;
    this.words = words;
  }

  /** Whether the JDK's digest is used (else the Java one). */
  static boolean fast() {
    return JDK != null;
  }

  /** A hash that goes on from {@code state} (null or empty: from the first byte). */
  static RunningSha256 resume(byte[] state) {
    return resume(state, JDK != null);
  }

  static RunningSha256 resume(byte[] state, boolean fast) {
    int[] words = INITIAL.clone();
    long count = 0;
    byte[] rest = new byte[0];
    if (state != null && state.length > 0) {
      ByteBuffer in = ByteBuffer.wrap(state);
      if (state.length < 42 || in.get() != FORMAT) {
        throw new IllegalArgumentException("not a stored SHA-256 state");
      }
      for (int i = 0; i < 8; i++) {
        words[i] = in.getInt();
      }
      count = in.getLong();
      int restLength = in.get() & 0xff;
      if (restLength > 63 || in.remaining() != restLength || count % 64 != restLength) {
        throw new IllegalArgumentException("a stored SHA-256 state that does not add up");
      }
      rest = new byte[restLength];
      in.get(rest);
    }
    RunningSha256 hash;
    if (fast && JDK != null) {
      MessageDigest digest = newJdkDigest();
      JDK.set(digest, words, rest, count);
      hash = new RunningSha256(digest, null);
    } else {
      hash = new RunningSha256(null, words);
      System.arraycopy(rest, 0, hash.pending, 0, rest.length);
      hash.pendingLength = rest.length;
      hash.count = count;
    }
    return hash;
  }

  void update(ByteBuf bytes) {
    if (jdk != null) {
      jdk.update(bytes.nioBuffer());
      return;
    }
    if (bytes.hasArray()) {
      update(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
    } else {
      byte[] copy = new byte[bytes.readableBytes()];
      bytes.getBytes(bytes.readerIndex(), copy);
      update(copy, 0, copy.length);
    }
  }

  void update(byte[] bytes, int offset, int length) {
    if (jdk != null) {
      jdk.update(bytes, offset, length);
      return;
    }
    count += length;
    int at = offset;
    int end = offset + length;
    if (pendingLength > 0) {
      int take = Math.min(64 - pendingLength, length);
      System.arraycopy(bytes, at, pending, pendingLength, take);
      pendingLength += take;
      at += take;
      if (pendingLength < 64) {
        return;
      }
      compress(words, pending, 0);
      pendingLength = 0;
    }
    for (; end - at >= 64; at += 64) {
      compress(words, bytes, at);
    }
    System.arraycopy(bytes, at, pending, 0, end - at);
    pendingLength = end - at;
  }

  /** The state to store: {@link #resume} goes on from it. */
  byte[] state() {
    int[] h;
    byte[] rest;
    long hashed;
    if (jdk != null) {
      JdkState read = JDK.get(jdk);
      h = read.words();
      rest = read.rest();
      hashed = read.count();
    } else {
      h = words;
      rest = Arrays.copyOf(pending, pendingLength);
      hashed = count;
    }
    ByteBuffer out = ByteBuffer.allocate(1 + 32 + 8 + 1 + rest.length);
    out.put((byte) FORMAT);
    for (int word : h) {
      out.putInt(word);
    }
    return out.putLong(hashed).put((byte) rest.length).put(rest).array();
  }

  /** The digest of everything hashed so far; the hash itself is unchanged. */
  byte[] digest() {
    if (jdk != null) {
      try {
        return ((MessageDigest) jdk.clone()).digest();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException(e);
      }
    }
    int[] h = words.clone();
    long bits = count * 8;
    byte[] last = new byte[pendingLength < 56 ? 64 : 128];
    System.arraycopy(pending, 0, last, 0, pendingLength);
    last[pendingLength] = (byte) 0x80;
    ByteBuffer.wrap(last).putLong(last.length - 8, bits);
    for (int at = 0; at < last.length; at += 64) {
      compress(h, last, at);
    }
    ByteBuffer out = ByteBuffer.allocate(32);
    for (int word : h) {
      out.putInt(word);
    }
    return out.array();
  }

  /** One 64-byte block into the hash words (FIPS 180-4, section 6.2.2). */
  private static void compress(int[] h, byte[] block, int offset) {
    int[] w = new int[64];
    for (int t = 0; t < 16; t++) {
      int i = offset + t * 4;
      w[t] = (block[i] & 0xff) << 24 | (block[i + 1] & 0xff) << 16 | (block[i + 2] & 0xff) << 8 | block[i + 3] & 0xff;
    }
    for (int t = 16; t < 64; t++) {
      int s0 = Integer.rotateRight(w[t - 15], 7) ^ Integer.rotateRight(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      int s1 = Integer.rotateRight(w[t - 2], 17) ^ Integer.rotateRight(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    int a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
      int t1 = hh + (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
          + (e & f ^ ~e & g) + K[t] + w[t];
      int t2 = (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
          + (a & b ^ a & c ^ b & c);
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }

  private static MessageDigest newJdkDigest() {
    try {
      return MessageDigest.getInstance("SHA-256", "SUN");
    } catch (Exception e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private record JdkState(int[] words, byte[] rest, long count) {
  }

  /** The fields of the JDK's SHA-256 ({@code sun.security.provider.SHA2} and {@code DigestBase}). */
  private record JdkFields(Field spi, Field state, Field buffer, Field bufferOffset, Field bytesProcessed) {

    static JdkFields find() {
      try {
        MessageDigest probe = MessageDigest.getInstance("SHA-256", "SUN");
        Field spi = accessible(probe.getClass(), "digestSpi", MessageDigestSpi.class);
        Class<?> sha256 = spi.get(probe).getClass();
        JdkFields fields = new JdkFields(spi, accessible(sha256, "state", int[].class),
            accessible(sha256, "buffer", byte[].class), accessible(sha256, "bufOfs", int.class),
            accessible(sha256, "bytesProcessed", long.class));
        return fields.agreesWithTheJavaHash() ? fields : null;
      } catch (Exception e) {
        // Not opened to us (no --add-opens), or a JDK whose digest is built otherwise: the Java hash it is.
        return null;
      }
    }

    /** The field {@code name} of {@code type} or a class it extends, made accessible. */
    private static Field accessible(Class<?> type, String name, Class<?> fieldType) throws NoSuchFieldException {
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Field field : c.getDeclaredFields()) {
          if (field.getName().equals(name) && fieldType.isAssignableFrom(field.getType())) {
            field.setAccessible(true);
            return field;
          }
        }
      }
      throw new NoSuchFieldException(type.getName() + "." + name);
    }

    /** Stops and resumes both ways at awkward places, and compares with the Java hash and the JDK's own digest. */
    private boolean agreesWithTheJavaHash() throws Exception {
      byte[] data = new byte[1000];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (i * 31 + 7);
      }
      byte[] expected = MessageDigest.getInstance("SHA-256", "SUN").digest(data);
      for (int cut : new int[] {0, 1, 63, 64, 65, 130, 999}) {
        RunningSha256 java = new RunningSha256(null, INITIAL.clone());
        java.update(data, 0, cut);
        MessageDigest digest = MessageDigest.getInstance("SHA-256", "SUN");
        digest.update(data, 0, cut);
        RunningSha256 fast = new RunningSha256(digest, null);
        byte[] fromFast = stateOf(fast);
        if (!Arrays.equals(fromFast, java.state())) {
          return false;
        }
        MessageDigest resumed = newJdkDigest();
        RunningSha256 again = resumeWith(resumed, java.state());
        again.update(data, cut, data.length - cut);
        if (!Arrays.equals(again.digest(), expected)) {
          return false;
        }
      }
      return true;
    }

    private byte[] stateOf(RunningSha256 fast) throws Exception {
      JdkState read = get(fast.jdk);
      ByteBuffer out = ByteBuffer.allocate(1 + 32 + 8 + 1 + read.rest().length);
      out.put((byte) FORMAT);
      for (int word : read.words()) {
        out.putInt(word);
      }
      return out.putLong(read.count()).put((byte) read.rest().length).put(read.rest()).array();
    }

    private RunningSha256 resumeWith(MessageDigest digest, byte[] state) {
      RunningSha256 parsed = resume(state, false);
      set(digest, parsed.words, Arrays.copyOf(parsed.pending, parsed.pendingLength), parsed.count);
      return new RunningSha256(digest, null);
    }

    JdkState get(MessageDigest digest) {
      try {
        Object spiValue = spi.get(digest);
        int[] words = ((int[]) state.get(spiValue)).clone();
        int offset = bufferOffset.getInt(spiValue);
        byte[] rest = Arrays.copyOf((byte[]) buffer.get(spiValue), offset);
        return new JdkState(words, rest, bytesProcessed.getLong(spiValue));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }

    void set(MessageDigest digest, int[] words, byte[] rest, long count) {
      try {
        Object spiValue = spi.get(digest);
        System.arraycopy(words, 0, (int[]) state.get(spiValue), 0, 8);
        System.arraycopy(rest, 0, (byte[]) buffer.get(spiValue), 0, rest.length);
        bufferOffset.setInt(spiValue, rest.length);
        bytesProcessed.setLong(spiValue, count);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
