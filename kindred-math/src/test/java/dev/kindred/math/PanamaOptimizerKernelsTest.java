package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test of the Vector API optimiser kernels against their scalar twin at awkward sizes
 * and offsets, inside NaN padding (a read outside the range poisons the result; writes outside it
 * are caught by comparing the padding).
 *
 * <p>Tolerance: both evaluate the same operations in the same order without reductions or FMA
 * contraction, so they must agree to 2 ulps of the result.
 */
class PanamaOptimizerKernelsTest {

  private final OptimizerKernels scalar = new ScalarOptimizerKernels();
  private final OptimizerKernels panama = new PanamaOptimizerKernels();

  static java.util.stream.IntStream sizes() {
    return PanamaKernelsTest.sizes();
  }

  /** Moments must be non-negative in v; padded() gives [-1, 1), so v is made |v|. */
  private static float[] abs(float[] a) {
    float[] b = a.clone();
    for (int j = 0; j < b.length; j++) b[j] = Math.abs(b[j]);
    return b;
  }

  private static void assertClose(float[] actual, float[] expected, String what) {
    for (int j = 0; j < actual.length; j++) {
      float e = expected[j];
      float a = actual[j];
      if (Float.isNaN(e)) {
        assertThat(Float.floatToRawIntBits(a)).as("%s padding at %d", what, j).isEqualTo(Float.floatToRawIntBits(e));
      } else {
        assertThat(Math.abs(a - e)).as("%s at %d: %s vs %s", what, j, a, e).isLessThanOrEqualTo(2 * Math.ulp(e));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void adamAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(31 + n);
    for (int[] offs : new int[][] {{0, 0}, {3, 5}, {17, 1}}) {
      float[] w = PanamaKernelsTest.padded(rng, offs[0], n);
      float[] m = PanamaKernelsTest.padded(rng, offs[0], n);
      float[] v = abs(PanamaKernelsTest.padded(rng, offs[0], n));
      float[] g = PanamaKernelsTest.padded(rng, offs[1], n);
      float[][] s = {w.clone(), m.clone(), v.clone()};
      float[][] p = {w.clone(), m.clone(), v.clone()};
      scalar.adam(s[0], offs[0], g, offs[1], s[1], s[2], n, 0.9f, 0.999f, 0.003f, 1.7f, 1e-8f, 0.9999f);
      panama.adam(p[0], offs[0], g, offs[1], p[1], p[2], n, 0.9f, 0.999f, 0.003f, 1.7f, 1e-8f, 0.9999f);
      assertClose(p[0], s[0], "w n=" + n + " offsets " + Arrays.toString(offs));
      assertClose(p[1], s[1], "m n=" + n);
      assertClose(p[2], s[2], "v n=" + n);
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void adagradAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(53 + n);
    for (int[] offs : new int[][] {{0, 0}, {3, 5}, {17, 1}}) {
      float[] w = PanamaKernelsTest.padded(rng, offs[0], n);
      float[] acc = PanamaKernelsTest.padded(rng, offs[0], n);
      for (int j = 0; j < acc.length; j++) acc[j] = Float.isNaN(acc[j]) ? acc[j] : 1f + Math.abs(acc[j]);
      float[] g = PanamaKernelsTest.padded(rng, offs[1], n);
      float[][] s = {w.clone(), acc.clone()};
      float[][] p = {w.clone(), acc.clone()};
      scalar.adagrad(s[0], offs[0], g, offs[1], s[1], n, -0.7f, 0.05f, 0.999f);
      panama.adagrad(p[0], offs[0], g, offs[1], p[1], n, -0.7f, 0.05f, 0.999f);
      assertClose(p[0], s[0], "adagrad w n=" + n + " offsets " + Arrays.toString(offs));
      assertClose(p[1], s[1], "adagrad acc n=" + n);
    }
  }

  /** From an accumulator of 1 the first step is {@code lr * scale * g}; the accumulator grows by its square. */
  @ParameterizedTest
  @MethodSource("sizes")
  void firstAdagradStepIsPlainSgd(int n) {
    float[] w = new float[n];
    float[] acc = new float[n];
    float[] g = new float[n];
    java.util.Arrays.fill(acc, 1f);
    for (int j = 0; j < n; j++) g[j] = j % 3 - 1;
    OptimizerOps.adagrad(w, 0, g, 0, acc, n, 2f, 0.1f, 1f);
    for (int j = 0; j < n; j++) {
      assertThat(w[j]).isEqualTo(-0.2f * g[j]);
      assertThat(acc[j]).isEqualTo(1f + 4f * g[j] * g[j]);
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void sgdAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(77 + n);
    for (int[] offs : new int[][] {{0, 0}, {3, 5}, {17, 1}}) {
      float[] w = PanamaKernelsTest.padded(rng, offs[0], n);
      float[] g = PanamaKernelsTest.padded(rng, offs[1], n);
      float[] s = w.clone();
      float[] p = w.clone();
      scalar.sgd(s, offs[0], g, offs[1], n, 0.05f, 0.999f);
      panama.sgd(p, offs[0], g, offs[1], n, 0.05f, 0.999f);
      assertClose(p, s, "sgd n=" + n + " offsets " + Arrays.toString(offs));
    }
  }

  /** The first Adam step from zero moments moves every weight by about {@code lr} against its gradient's sign. */
  @ParameterizedTest
  @MethodSource("sizes")
  void firstAdamStepIsLrTimesSign(int n) {
    float[] w = new float[n];
    float[] g = new float[n];
    for (int j = 0; j < n; j++) g[j] = (j % 3 - 1) * (j + 1) * 0.01f;
    float lr = 0.01f;
    // t = 1: stepSize = lr / (1 - 0.9), invSqrtBias2 = 1 / sqrt(1 - 0.999)
    OptimizerOps.adam(w, 0, g, 0, new float[n], new float[n], n, 0.9f, 0.999f, lr / 0.1f,
        (float) (1 / Math.sqrt(0.001)), 1e-8f, 1f);
    for (int j = 0; j < n; j++) {
      assertThat((double) w[j]).as("w[%d]", j).isCloseTo(-lr * Math.signum(g[j]), org.assertj.core.api.Assertions.within(1e-5));
    }
  }
}
