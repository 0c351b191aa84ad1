package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The right-looking {@link Cholesky#factor(float[], int, float[])} against the left-looking
 * {@link Cholesky#factor(float[], int)} and against {@code A = L L^T} in double precision, on
 * random SPD matrices {@code B^T B + I} (condition number in the hundreds). Tolerance {@code 1e-4}
 * relative to the largest entry.
 */
class CholeskyTest {

  static float[] spd(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] b = new float[2 * n * n];
    for (int j = 0; j < b.length; j++) b[j] = (float) rng.nextDouble(-1, 1);
    float[] a = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = i == j ? 1 : 0;
        for (int r = 0; r < 2 * n; r++) s += (double) b[r * n + i] * b[r * n + j];
        a[i * n + j] = (float) s;
      }
    }
    return a;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 16, 17, 64, 67})
  void rightLookingAgreesWithLeftLookingAndReconstructsA(int n) {
    float[] a = spd(n, n);
    float[] left = a.clone();
    float[] right = a.clone();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) right[i * n + j] = Float.NaN; // the upper triangle is never read
    }
    assertThat(Cholesky.factor(left, n)).isTrue();
    assertThat(Cholesky.factor(right, n, new float[n])).isTrue();
    double max = 0;
    for (float v : a) max = Math.max(max, Math.abs(v));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        assertThat((double) right[i * n + j]).as("L(%d, %d)", i, j)
            .isCloseTo(left[i * n + j], within(1e-4 * Math.sqrt(max)));
        double llt = 0;
        for (int t = 0; t <= j; t++) llt += (double) right[i * n + t] * right[j * n + t];
        assertThat(llt).as("(L L^T)(%d, %d)", i, j).isCloseTo(a[i * n + j], within(1e-4 * max));
      }
      for (int j = i + 1; j < n; j++) {
        assertThat(right[i * n + j]).as("upper (%d, %d) untouched", i, j).isNaN();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 13, 64})
  void bothFormsRejectAMatrixThatIsNotPositiveDefinite(int n) {
    float[] a = spd(n, 100 + n);
    a[(n - 1) * n + n - 1] = -1f; // a negative diagonal entry: no Cholesky factor exists
    assertThat(Cholesky.factor(a.clone(), n)).isFalse();
    assertThat(Cholesky.factor(a.clone(), n, new float[n])).isFalse();
  }
}
