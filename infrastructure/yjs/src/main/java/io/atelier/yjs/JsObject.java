package io.atelier.yjs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plain JS object as far as Yjs's encoders can observe it: {@code Object.keys} order (array-index keys ascending,
 * then the other keys in creation order; a repeated key keeps its first place and its last value) and, for lib0's
 * {@code readAny} which assigns with {@code obj[key] = value}, the {@code __proto__} setter.
 */
final class JsObject {

  /** The value JS calls {@code undefined} (Java's {@code null} stands for JS {@code null} nowhere: see {@link #NULL}). */
  static final Object UNDEFINED = new Object() {
    @Override
    public String toString() {
      return "undefined";
    }
  };

  /** JS {@code null}. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  private final TreeMap<Long, Object> indexed = new TreeMap<>();
  private final LinkedHashMap<String, Object> named = new LinkedHashMap<>();
  /** The prototype: {@code null} for Object.prototype, {@link #NULL}, a {@link JsObject} or a {@link List} (an array). */
  private Object proto;

  /** {@code CreateDataProperty}, as JSON.parse defines properties: {@code __proto__} is an ordinary key. */
  void define(String key, Object value) {
    long index = arrayIndex(key);
    if (index >= 0) {
      indexed.put(index, value);
    } else {
      named.put(key, value);
    }
  }

  /** {@code obj[key] = value} in strict mode on an object lib0's readAny is building. */
  void assign(String key, Object value, String where) {
    if (key.equals("__proto__") && !hasOwn(key) && protoSetterReachable()) {
      if (value instanceof JsObject || value instanceof List || value == NULL) {
        proto = value;
      } else if (value instanceof byte[]) {
        // A Uint8Array prototype brings typed-array accessors whose effect on later keys we do not model.
        throw new MalformedUpdateException(where + ": an object whose __proto__ is a Uint8Array is not supported");
      }
      // A primitive given to the __proto__ setter is ignored.
      return;
    }
    define(key, value);
  }

  private boolean hasOwn(String key) {
    return named.containsKey(key);
  }

  /** Whether {@code obj.__proto__ = v} reaches Object.prototype's setter rather than a data property or nothing. */
  private boolean protoSetterReachable() {
    Object p = proto;
    int guard = 0;
    while (guard++ < 100_000) {
      if (p == null || p instanceof List) {
        return true; // Object.prototype directly, or through Array.prototype
      }
      if (p == NULL) {
        return false;
      }
      JsObject o = (JsObject) p;
      if (o.hasOwn("__proto__")) {
        return false; // a writable data property up the chain: the assignment creates an own property
      }
      p = o.proto;
    }
    return false;
  }

  Object getOwn(String key) {
    long index = arrayIndex(key);
    Object v = index >= 0 ? indexed.get(index) : named.get(key);
    return v == null ? UNDEFINED : v;
  }

  /** {@code Object.keys(this)} with the values, in order. */
  List<Map.Entry<String, Object>> entries() {
    List<Map.Entry<String, Object>> out = new ArrayList<>(indexed.size() + named.size());
    for (Map.Entry<Long, Object> e : indexed.entrySet()) {
      out.add(Map.entry(Long.toString(e.getKey()), e.getValue()));
    }
    out.addAll(named.entrySet());
    return out;
  }

  /** The array index a key denotes (a canonical decimal 0 .. 2^32 - 2), or -1. */
  static long arrayIndex(CharSequence key) {
    int n = key.length();
    if (n == 0 || n > 10 || (n > 1 && key.charAt(0) == '0')) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= 4294967294L ? v : -1;
  }

  /** ECMAScript ToBoolean. */
  static boolean truthy(Object v) {
    if (v == UNDEFINED || v == NULL) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Double d) {
      return !(d == 0 || d.isNaN());
    }
    if (v instanceof BigInt64 b) {
      return b.value() != 0;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    return true;
  }

  /** A JS bigint as lib0 writes it: 64-bit two's complement. */
  record BigInt64(long value) {
  }
}
