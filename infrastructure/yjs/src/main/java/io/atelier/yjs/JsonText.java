package io.atelier.yjs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code JSON.stringify(JSON.parse(text))}, which is what Yjs writes back for embeds, format values and legacy JSON
 * content: whitespace goes, numbers take their shortest form, keys their JS order, escapes their canonical form.
 * Input JSON.parse refuses throws {@link MalformedUpdateException}.
 */
final class JsonText {

  /** Deeper nesting is refused: V8's recursive JSON.stringify overflows its stack a few thousand levels down. */
  static final int MAX_DEPTH = 1000;

  private final String s;
  private final String where;
  private int i;

  private JsonText(String s, String where) {
    this.s = s;
    this.where = where;
  }

  static String canonical(String text, String where) {
    JsonText p = new JsonText(text, where);
    p.skipWhitespace();
    Object v = p.value(0);
    p.skipWhitespace();
    if (p.i != text.length()) {
      throw p.error("unexpected character after the JSON value");
    }
    StringBuilder out = new StringBuilder(text.length());
    stringify(v, out);
    return out.toString();
  }

  private MalformedUpdateException error(String message) {
    return new MalformedUpdateException(where + " is not JSON.parse-able: " + message + " at character " + i);
  }

  private void skipWhitespace() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
      } else {
        return;
      }
    }
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    if (i >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return JsObject.NULL;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character");
    }
  }

  private void literal(String word) {
    if (!s.startsWith(word, i)) {
      throw error("unexpected token");
    }
    i += word.length();
  }

  private JsObject object(int depth) {
    JsObject o = new JsObject();
    i++;
    skipWhitespace();
    if (i < s.length() && s.charAt(i) == '}') {
      i++;
      return o;
    }
    while (true) {
      skipWhitespace();
      if (i >= s.length() || s.charAt(i) != '"') {
        throw error("expected a string key");
      }
      String key = string();
      skipWhitespace();
      if (i >= s.length() || s.charAt(i) != ':') {
        throw error("expected ':'");
      }
      i++;
      skipWhitespace();
      o.define(key, value(depth + 1));
      skipWhitespace();
      if (i >= s.length()) {
        throw error("unexpected end in object");
      }
      char c = s.charAt(i++);
      if (c == '}') {
        return o;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> a = new ArrayList<>();
    i++;
    skipWhitespace();
    if (i < s.length() && s.charAt(i) == ']') {
      i++;
      return a;
    }
    while (true) {
      skipWhitespace();
      a.add(value(depth + 1));
      skipWhitespace();
      if (i >= s.length()) {
        throw error("unexpected end in array");
      }
      char c = s.charAt(i++);
      if (c == ']') {
        return a;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    i++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (i >= s.length()) {
        throw error("unterminated escape");
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"' -> b.append('"');
        case '\\' -> b.append('\\');
        case '/' -> b.append('/');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (i + 4 > s.length()) {
            throw error("short \\u escape");
          }
          int v = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0 || s.charAt(i + k) > 'f') {
              throw error("bad \\u escape");
            }
            v = v * 16 + d;
          }
          i += 4;
          b.append((char) v);
        }
        default -> throw error("bad escape");
      }
    }
  }

  private Double number() {
    int start = i;
    if (s.charAt(i) == '-') {
      i++;
    }
    if (i < s.length() && s.charAt(i) == '0') {
      i++;
    } else if (i < s.length() && s.charAt(i) >= '1' && s.charAt(i) <= '9') {
      digits();
    } else {
      throw error("bad number");
    }
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      if (digits() == 0) {
        throw error("bad fraction");
      }
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      if (digits() == 0) {
        throw error("bad exponent");
      }
    }
    return Double.parseDouble(s.substring(start, i));
  }

  private int digits() {
    int start = i;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - start;
  }

  /** {@code JSON.stringify} of a parsed value. */
  static void stringify(Object v, StringBuilder out) {
    if (v == JsObject.NULL) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (v instanceof Double d) {
      out.append(d.isNaN() || d.isInfinite() ? "null" : JsNumber.toString(d));
    } else if (v instanceof String str) {
      quote(str, out);
    } else if (v instanceof List<?> list) {
      out.append('[');
      for (int k = 0; k < list.size(); k++) {
        if (k > 0) {
          out.append(',');
        }
        stringify(list.get(k), out);
      }
      out.append(']');
    } else {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : ((JsObject) v).entries()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(e.getKey(), out);
        out.append(':');
        stringify(e.getValue(), out);
      }
      out.append('}');
    }
  }

  /** JSON.stringify's QuoteJSONString, including the lower-case {@code \}{@code u} escapes of lone surrogates. */
  static void quote(String str, StringBuilder out) {
    out.append('"');
    for (int k = 0; k < str.length(); k++) {
      char c = str.charAt(k);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          boolean loneSurrogate = Character.isHighSurrogate(c)
              ? !(k + 1 < str.length() && Character.isLowSurrogate(str.charAt(k + 1)))
              : Character.isLowSurrogate(c) && !(k > 0 && Character.isHighSurrogate(str.charAt(k - 1)));
          if (c < 0x20 || loneSurrogate) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
