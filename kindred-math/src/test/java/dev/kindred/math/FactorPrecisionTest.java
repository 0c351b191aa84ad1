package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** bf16 narrowing by hand-checked bit patterns: round to nearest, ties to the even bf16. */
class FactorPrecisionTest {

  private static short bf16(int floatBits) {
    return FactorPrecision.toBf16(Float.intBitsToFloat(floatBits));
  }

  @Test
  void bf16RoundsToNearestTiesToEven() {
    assertThat(bf16(0x3F800000)).isEqualTo((short) 0x3F80); // 1.0 exactly
    assertThat(bf16(0x3F808000)).isEqualTo((short) 0x3F80); // tie, 0x3F80 is even: down
    assertThat(bf16(0x3F818000)).isEqualTo((short) 0x3F82); // tie, 0x3F81 is odd: up
    assertThat(bf16(0x3F808001)).isEqualTo((short) 0x3F81); // above the tie: up
    assertThat(bf16(0xBF807FFF)).isEqualTo((short) 0xBF80); // below the tie, negative: down in magnitude
    assertThat(bf16(0x7F7FFFFF)).isEqualTo((short) 0x7F80); // the largest float rounds to infinity
    assertThat(FactorPrecision.fromBf16(bf16(Float.floatToRawIntBits(Float.NaN)))).isNaN();
  }

  @Test
  void relativeErrorOfBf16IsAtMostHalfAnUlp() {
    for (float v = 1e-3f; v < 1e3f; v *= 1.0137f) {
      float back = FactorPrecision.fromBf16(FactorPrecision.toBf16(v));
      assertThat(Math.abs(back - v) / v).isLessThanOrEqualTo(0x1p-8f);
    }
  }

  @Test
  void parsesCommandLineNames() {
    assertThat(FactorPrecision.parse("BF16")).isEqualTo(FactorPrecision.BF16);
    assertThat(FactorPrecision.ofCode(FactorPrecision.FP16.code())).isEqualTo(FactorPrecision.FP16);
    assertThatThrownBy(() -> FactorPrecision.parse("fp8")).hasMessageContaining("fp32, bf16 or fp16, got 'fp8'");
  }
}
