package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test of the Vector API segment kernels against their scalar twin, in every
 * precision, at {@link PanamaKernelsTest}'s awkward sizes, with the elements inside NaN padding in
 * the segment (a kernel that reads outside its range returns NaN and fails) and at an odd byte
 * offset (mapped sections are page aligned, but rows of odd {@code dim} are not).
 *
 * <p>Tolerance: sums differ only by reassociation and FMA contraction, so by at most
 * {@link PanamaKernelsTest#REL_TOL} of {@code sum_d |v_d x_d|}; widening is exact.
 */
class SegmentKernelsTest {

  private final SegmentKernels scalar = new ScalarSegmentKernels();
  private final SegmentKernels panama = new PanamaSegmentKernels();

  static Stream<Arguments> cases() {
    return Stream.of(FactorPrecision.values())
        .flatMap(p -> PanamaKernelsTest.positiveSizes().mapToObj(n -> Arguments.of(p, n)));
  }

  /** A segment with {@code n} values in [-1, 1) after {@code PAD} NaNs and before {@code PAD} more, starting at byte 1. */
  static MemorySegment padded(Arena arena, SplittableRandom rng, FactorPrecision p, long n) {
    int pad = PanamaKernelsTest.PAD;
    MemorySegment seg = arena.allocate(1 + (n + 2 * pad) * p.bytes());
    for (long j = 0; j < n + 2 * pad; j++) {
      float v = j < pad || j >= pad + n ? Float.NaN : (float) (2 * rng.nextDouble() - 1);
      put(seg, 1 + j * p.bytes(), p, v);
    }
    return seg;
  }

  static void put(MemorySegment seg, long off, FactorPrecision p, float v) {
    if (p == FactorPrecision.FP32) {
      seg.set(ScalarSegmentKernels.F32, off, v);
    } else {
      seg.set(ScalarSegmentKernels.I16, off, p.encode16(v));
    }
  }

  static long start(FactorPrecision p) {
    return 1 + (long) PanamaKernelsTest.PAD * p.bytes();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void dotMatchesScalar(FactorPrecision p, int n) {
    SplittableRandom rng = new SplittableRandom(31L * n + p.ordinal());
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = padded(arena, rng, p, n);
      float[] x = PanamaKernelsTest.padded(rng, 5, n);
      float[] v = new float[n];
      scalar.widen(seg, start(p), p, v, 0, n);
      float expected = scalar.dot(seg, start(p), p, x, 5, n);
      double tol = PanamaKernelsTest.REL_TOL * PanamaKernelsTest.magnitude(v, 0, x, 5, n) + PanamaKernelsTest.ABS_TOL;
      assertThat(panama.dot(seg, start(p), p, x, 5, n)).isCloseTo(expected, within((float) tol));
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void gemvMatchesScalarAndWritesOnlyItsRange(FactorPrecision p, int dim) {
    int rows = 7;
    SplittableRandom rng = new SplittableRandom(17L * dim + p.ordinal());
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = padded(arena, rng, p, (long) rows * dim);
      float[] x = PanamaKernelsTest.padded(rng, 3, dim);
      float[] want = PanamaKernelsTest.padded(rng, 2, rows);
      float[] got = want.clone();
      scalar.gemv(seg, start(p), p, rows, dim, x, 3, want, 2);
      panama.gemv(seg, start(p), p, rows, dim, x, 3, got, 2);
      float[] row = new float[dim];
      for (int r = 0; r < rows; r++) {
        scalar.widen(seg, start(p) + (long) r * dim * p.bytes(), p, row, 0, dim);
        double tol = PanamaKernelsTest.REL_TOL * PanamaKernelsTest.magnitude(row, 0, x, 3, dim) + PanamaKernelsTest.ABS_TOL;
        assertThat(got[2 + r]).isCloseTo(want[2 + r], within((float) tol));
      }
      assertThat(got[0]).isNaN();
      assertThat(got[1]).isNaN();
      assertThat(got[2 + rows]).isNaN();
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void widenIsExact(FactorPrecision p, int n) {
    SplittableRandom rng = new SplittableRandom(7L * n + p.ordinal());
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = padded(arena, rng, p, n);
      float[] want = new float[n];
      float[] got = new float[n];
      scalar.widen(seg, start(p), p, want, 0, n);
      panama.widen(seg, start(p), p, got, 0, n);
      assertThat(got).containsExactly(want);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void firstNonFiniteFindsThePlantedValue(FactorPrecision p, int n) {
    SplittableRandom rng = new SplittableRandom(3L * n + p.ordinal());
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = padded(arena, rng, p, n);
      assertThat(panama.firstNonFinite(seg, start(p), p, n)).isEqualTo(-1);
      assertThat(scalar.firstNonFinite(seg, start(p), p, n)).isEqualTo(-1);
      int at = n / 2;
      put(seg, start(p) + (long) at * p.bytes(), p, at % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NaN);
      assertThat(panama.firstNonFinite(seg, start(p), p, n)).isEqualTo(at);
      assertThat(scalar.firstNonFinite(seg, start(p), p, n)).isEqualTo(at);
    }
  }

  /** Every one of the 65,536 binary16 patterns widens as {@link Float#float16ToFloat} does. */
  @Test
  void everyHalfWidensAsTheJdkDoes() {
    int n = 1 << 16;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(2L * n);
      IntStream.range(0, n).forEach(h -> seg.set(ScalarSegmentKernels.I16, 2L * h, (short) h));
      float[] got = new float[n];
      panama.widen(seg, 0, FactorPrecision.FP16, got, 0, n);
      for (int h = 0; h < n; h++) {
        float want = Float.float16ToFloat((short) h);
        if (Float.isNaN(want)) {
          assertThat(got[h]).as("half 0x%04x", h).isNaN();
        } else {
          assertThat(Float.floatToRawIntBits(got[h])).as("half 0x%04x", h).isEqualTo(Float.floatToRawIntBits(want));
        }
      }
    }
  }
}
