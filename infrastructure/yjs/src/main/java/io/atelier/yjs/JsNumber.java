package io.atelier.yjs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * ECMAScript's {@code Number::toString} (what {@code JSON.stringify} writes for a number): the shortest decimal that
 * reads back as the same double, closest to it when several are as short. Java 17's {@code Double.toString} is not
 * always the shortest, so this searches precisions with exact decimal arithmetic; it only runs for JSON content.
 */
final class JsNumber {

  private JsNumber() {
  }

  static String toString(double x) {
    if (Double.isNaN(x)) {
      return "NaN";
    }
    if (x == 0) {
      return "0";
    }
    if (x < 0) {
      return "-" + toString(-x);
    }
    if (Double.isInfinite(x)) {
      return "Infinity";
    }
    BigDecimal shortest = shortest(x);
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    int n = k - shortest.scale();
    StringBuilder out = new StringBuilder(k + 8);
    if (k <= n && n <= 21) {
      out.append(digits);
      out.append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      out.append('e').append(n - 1 < 0 ? '-' : '+').append(Math.abs(n - 1));
    }
    return out.toString();
  }

  private static BigDecimal shortest(double x) {
    BigDecimal exact = new BigDecimal(x);
    for (int p = 1; p <= 17; p++) {
      BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (readsBackAs(nearest, x)) {
        return nearest.stripTrailingZeros();
      }
      // Next to a power of two the interval that reads back as x is lopsided: the nearest p-digit decimal may fall
      // outside it while the one on the other side is inside.
      BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
      boolean downOk = readsBackAs(down, x);
      boolean upOk = readsBackAs(up, x);
      if (downOk && upOk) {
        return (exact.subtract(down).compareTo(up.subtract(exact)) <= 0 ? down : up).stripTrailingZeros();
      } else if (downOk) {
        return down.stripTrailingZeros();
      } else if (upOk) {
        return up.stripTrailingZeros();
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }

  private static boolean readsBackAs(BigDecimal d, double x) {
    return Double.parseDouble(d.toString()) == x;
  }
}
