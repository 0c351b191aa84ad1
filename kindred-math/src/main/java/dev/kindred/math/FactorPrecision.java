package dev.kindred.math;

import java.util.Locale;

/**
 * Element type of stored factors. Computation is always fp32: 16-bit factors are widened on load
 * and accumulated in fp32.
 *
 * <ul>
 *   <li>{@link #FP32}: IEEE binary32, 4 bytes.
 *   <li>{@link #BF16}: bfloat16, the top 16 bits of a binary32 (8 exponent bits, 7 mantissa bits):
 *       fp32's range at about 3 significant digits. Widening is a 16-bit left shift; narrowing rounds
 *       to nearest, ties to even.
 *   <li>{@link #FP16}: IEEE binary16 (5 exponent bits, 10 mantissa bits): more precision than bf16
 *       but a range of only +-65504, so large factors do not fit (the writer refuses them).
 * </ul>
 */
public enum FactorPrecision {
  FP32(4, 1),
  BF16(2, 2),
  FP16(2, 3);

  private final int bytes;
  private final int code;

  FactorPrecision(int bytes, int code) {
    this.bytes = bytes;
    this.code = code;
  }

  /** Bytes per stored element. */
  public int bytes() {
    return bytes;
  }

  /** The element-type code stored in a model file's section table. */
  public int code() {
    return code;
  }

  /** The precision stored under {@code code}, or null when no precision has that code. */
  public static FactorPrecision ofCode(int code) {
    for (FactorPrecision p : values()) if (p.code == code) return p;
    return null;
  }

  /** Parses {@code fp32}, {@code bf16} or {@code fp16} (any case). */
  public static FactorPrecision parse(String name) {
    for (FactorPrecision p : values()) {
      if (p.name().equalsIgnoreCase(name)) return p;
    }
    throw new IllegalArgumentException("factor precision must be fp32, bf16 or fp16, got '" + name + "'");
  }

  /** Lower-case name, as on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** bfloat16 bits of {@code f}, rounded to nearest with ties to even; NaN stays a (quiet) NaN. */
  public static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** The float a bfloat16 holds: its bits are the top half of the binary32. */
  public static float fromBf16(short h) {
    return Float.intBitsToFloat(h << 16);
  }

  /** The 16 bits {@code f} is stored as in this precision (bf16 or fp16). */
  public short encode16(float f) {
    return switch (this) {
      case BF16 -> toBf16(f);
      case FP16 -> Float.floatToFloat16(f);
      case FP32 -> throw new IllegalStateException("fp32 is not a 16-bit precision");
    };
  }

  /** The float the 16 bits {@code h} hold in this precision (bf16 or fp16). */
  public float decode16(short h) {
    return switch (this) {
      case BF16 -> fromBf16(h);
      case FP16 -> Float.float16ToFloat(h);
      case FP32 -> throw new IllegalStateException("fp32 is not a 16-bit precision");
    };
  }
}
