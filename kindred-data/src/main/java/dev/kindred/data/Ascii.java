package dev.kindred.data;

import java.nio.charset.StandardCharsets;

/**
 * Number parsing straight from ASCII bytes, so the reader creates no String for a numeric field.
 * Each method agrees with its JDK counterpart on the inputs it accepts (tested against it).
 */
final class Ascii {

  /** Returned by {@link #canonicalLong} for anything that is not a canonical long. */
  static final long NOT_A_LONG = Long.MIN_VALUE;
  /** Returned by {@link #parseInteger} for anything that is not an integer in long range. */
  static final long NOT_AN_INTEGER = Long.MIN_VALUE;

  /** Exact powers of ten as floats: 10^k is exact in float for k <= 10 (5^10 < 2^24). */
  static final float[] POW10F = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

  private Ascii() {}

  /**
   * Parses {@code -?[1-9][0-9]*|0} within long range, the ids that {@code IdIndex} keeps as
   * numbers (so "007", "+1" and "-0" stay strings). Returns {@link #NOT_A_LONG} otherwise,
   * including for {@code Long.MIN_VALUE} itself, which {@code IdIndex} also treats as a string.
   */
  static long canonicalLong(byte[] b, int s, int e) {
    int n = e - s;
    if (n <= 0 || n > 20) {
      return NOT_A_LONG;
    }
    int i = s;
    boolean neg = b[i] == '-';
    if (neg) {
      i++;
      if (i == e) {
        return NOT_A_LONG;
      }
    }
    if (b[i] == '0' && (e - i > 1 || neg)) {
      return NOT_A_LONG;
    }
    long v = 0; // accumulated negatively so Long.MAX_VALUE fits
    for (; i < e; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return NOT_A_LONG;
      }
      if (v < (Long.MIN_VALUE + d) / 10) {
        return NOT_A_LONG;
      }
      v = v * 10 - d;
    }
    if (!neg) {
      return v == Long.MIN_VALUE ? NOT_A_LONG : -v;
    }
    return v;
  }

  /**
   * Parses {@code [+-]?[0-9]+} within long range; returns {@link #NOT_AN_INTEGER} otherwise
   * (so {@code Long.MIN_VALUE} itself is rejected).
   */
  static long parseInteger(byte[] b, int s, int e) {
    int i = s;
    boolean neg = false;
    if (i < e && (b[i] == '-' || b[i] == '+')) {
      neg = b[i] == '-';
      i++;
    }
    if (i == e) {
      return NOT_AN_INTEGER;
    }
    long v = 0;
    for (; i < e; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return NOT_AN_INTEGER;
      }
      if (v < (Long.MIN_VALUE + d) / 10) {
        return NOT_AN_INTEGER;
      }
      v = v * 10 - d;
    }
    if (!neg) {
      return v == Long.MIN_VALUE ? NOT_AN_INTEGER : -v;
    }
    return v;
  }

  /**
   * Parses a decimal number {@code [+-]?(digits)?(.digits)?([eE][+-]?digits)?} with at least one
   * mantissa digit to the nearest float, as {@link Float#parseFloat} does. Returns NaN when the
   * syntax is wrong (Java's extras such as "NaN", "0x1p3", "1f" or surrounding spaces are
   * rejected) and an infinity when the number overflows float.
   *
   * <p>Fast path (Clinger): with at most 7 significant digits and a decimal scale within 10, the
   * mantissa and the power of ten are exact floats, so one float multiply or divide is correctly
   * rounded. Everything else goes to {@link Float#parseFloat}.
   */
  static float parseDecimal(byte[] b, int s, int e) {
    int i = s;
    boolean neg = false;
    if (i < e && (b[i] == '-' || b[i] == '+')) {
      neg = b[i] == '-';
      i++;
    }
    long m = 0;
    int digits = 0;
    int fracDigits = 0;
    while (i < e && b[i] >= '0' && b[i] <= '9') {
      m = m * 10 + (b[i] - '0');
      digits++;
      i++;
    }
    if (i < e && b[i] == '.') {
      i++;
      while (i < e && b[i] >= '0' && b[i] <= '9') {
        m = m * 10 + (b[i] - '0');
        digits++;
        fracDigits++;
        i++;
      }
    }
    if (digits == 0) {
      return Float.NaN;
    }
    int exp = 0;
    if (i < e && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      boolean expNeg = false;
      if (i < e && (b[i] == '-' || b[i] == '+')) {
        expNeg = b[i] == '-';
        i++;
      }
      int expDigits = 0;
      while (i < e && b[i] >= '0' && b[i] <= '9') {
        if (exp < 100_000) {
          exp = exp * 10 + (b[i] - '0');
        }
        expDigits++;
        i++;
      }
      if (expDigits == 0) {
        return Float.NaN;
      }
      if (expNeg) {
        exp = -exp;
      }
    }
    if (i != e) {
      return Float.NaN;
    }
    int scale = exp - fracDigits; // value = m * 10^scale
    if (digits <= 18 && m < (1L << 24) && scale >= -10 && scale <= 10) {
      float f = scale >= 0 ? (float) m * POW10F[scale] : (float) m / POW10F[-scale];
      return neg ? -f : f;
    }
    return Float.parseFloat(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
  }
}
