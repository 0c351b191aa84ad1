package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The validating facade: which implementation runs, and the messages for out-of-range calls. */
class VectorOpsTest {

  @Test
  void vectorApiIsChosenUnderTheSurefireFlags() {
    // surefire runs with --add-modules jdk.incubator.vector (kindred.jvm.flags in the parent pom).
    assertThat(VectorOps.isVectorized()).isTrue();
    assertThat(VectorOps.kernels()).isInstanceOf(PanamaKernels.class);
  }

  @Test
  void validCallsComputeTheKernel() {
    float[] a = {1, 2, 3, 4, 5};
    float[] b = {10, 20, 30, 40, 50};
    // Small integers: exact in float whatever the summation order.
    assertThat(VectorOps.dot(a, 1, b, 2, 3)).isEqualTo(2 * 30 + 3 * 40 + 4 * 50);
    assertThat(VectorOps.dot(a, b)).isEqualTo(550f);
    assertThat(VectorOps.dot(a, 5, b, 5, 0)).as("empty range at the very end").isZero();

    float[] y = {1, 1, 1, 1};
    VectorOps.axpy(2f, a, 1, y, 1, 3);
    assertThat(y).containsExactly(1, 5, 7, 9);

    float[] p = {1, 2};
    float[] q = {3, 4};
    VectorOps.crossUpdate(p, 0, q, 0, 2, 2f, 1f, 1f, -1f);
    assertThat(p).containsExactly(2 * 1 + 3, 2 * 2 + 4);
    assertThat(q).containsExactly(3 - 1, 4 - 2);

    float[] m = {9, 1, 2, 3, 4, 5, 6};
    float[] out = new float[3];
    VectorOps.gemv(m, 1, 2, 3, new float[] {1, 0, -1}, 0, out, 1);
    assertThat(out).containsExactly(0, 1 - 3, 4 - 6);
  }

  @Test
  void dotRejectsRangesOutsideTheArrays() {
    float[] a = new float[8];
    float[] b = new float[8];
    assertThatThrownBy(() -> VectorOps.dot(a, 5, b, 0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a: range [5, 5+4) outside array of length 8");
    assertThatThrownBy(() -> VectorOps.dot(a, 0, b, 6, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("b: range [6, 6+4) outside array of length 8");
    assertThatThrownBy(() -> VectorOps.dot(a, -1, b, 0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a: range [-1, -1+4) outside array of length 8");
    assertThatThrownBy(() -> VectorOps.dot(a, 0, b, 0, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("range [0, 0+-2)");
    assertThatThrownBy(() -> VectorOps.dot(a, Integer.MAX_VALUE, b, 0, 4))
        .as("offset near int overflow")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside array of length 8");
    assertThatThrownBy(() -> VectorOps.dot(new float[3], new float[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vector lengths differ: 3 vs 4");
    assertThatThrownBy(() -> VectorOps.dot(null, 0, b, 0, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("a");
  }

  @Test
  void axpyAndCrossUpdateNameTheBadArgument() {
    float[] small = new float[4];
    float[] big = new float[16];
    assertThatThrownBy(() -> VectorOps.axpy(1f, small, 1, big, 0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("x: range [1, 1+4) outside array of length 4");
    assertThatThrownBy(() -> VectorOps.axpy(1f, big, 0, small, 0, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("y: range [0, 0+5) outside array of length 4");
    assertThatThrownBy(() -> VectorOps.crossUpdate(small, 0, big, 0, 5, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a: range [0, 0+5) outside array of length 4");
    assertThatThrownBy(() -> VectorOps.crossUpdate(big, 0, small, 2, 3, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("b: range [2, 2+3) outside array of length 4");
    assertThat(small).as("nothing written by a rejected call").containsOnly(0f);
  }

  @Test
  void gemvChecksMatrixVectorAndOutput() {
    float[] m = new float[12];
    float[] x = new float[4];
    float[] out = new float[3];
    VectorOps.gemv(m, 0, 3, 4, x, 0, out, 0);
    assertThatThrownBy(() -> VectorOps.gemv(m, 1, 3, 4, x, 0, out, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("m: range [1, 1+12) outside array of length 12");
    assertThatThrownBy(() -> VectorOps.gemv(m, 0, 2, 4, x, 1, out, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("x: range [1, 1+4) outside array of length 4");
    assertThatThrownBy(() -> VectorOps.gemv(m, 0, 3, 4, x, 0, out, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("out: range [1, 1+3) outside array of length 3");
    assertThatThrownBy(() -> VectorOps.gemv(m, 0, -1, 4, x, 0, out, 0))
        .isInstanceOf(IllegalArgumentException.class);
    // rows * dim overflows int: still a caller mistake, reported as one.
    assertThatThrownBy(() -> VectorOps.gemv(m, 0, 1 << 20, 1 << 12, x, 0, out, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("m:");
  }

  /** Regression: the register path of PanamaKernels.gemv read x and m for dim = 0. */
  @Test
  void gemvWithZeroDimWritesZeros() {
    float[] out = {7, 7, 7, 7, 7};
    VectorOps.gemv(new float[0], 0, 5, 0, new float[0], 0, out, 0);
    assertThat(out).containsOnly(0f);
    float[] out2 = {7, 7};
    new PanamaKernels().gemv(new float[0], 0, 2, 0, new float[0], 0, out2, 0);
    assertThat(out2).containsOnly(0f);
  }

  @Test
  void facadeAgreesWithScalarTwin() {
    float[] a = new float[100];
    float[] b = new float[100];
    java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
    double mag = 0;
    for (int j = 0; j < a.length; j++) {
      a[j] = (float) rng.nextGaussian();
      b[j] = (float) rng.nextGaussian();
      mag += Math.abs(a[j] * b[j]);
    }
    // Same tolerance as PanamaKernelsTest: 1e-5 of the sum's magnitude.
    assertThat((double) VectorOps.dot(a, 3, b, 1, 97))
        .isCloseTo(new ScalarKernels().dot(a, 3, b, 1, 97), within(1e-5 * mag));
  }
}
