package dev.kindred.train.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.math.WorkerPool;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Finite-difference gradient checks of every loss and penalty, plus hand-checked values. */
class LossGradientTest {

  static final int DIM = 7; // not a multiple of any vector width: the kernels' tails run
  static final int USERS = 4;
  static final int ITEMS = 6;
  // Repeated rows on purpose: a row met twice must get both contributions.
  static final int[] U = {0, 1, 3, 0, 2};
  static final int[] P = {1, 4, 0, 1, 5};
  static final int[] N = {2, 3, 5, 4, 1};

  static float[] table(int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] t = new float[rows * DIM];
    for (int j = 0; j < t.length; j++) t[j] = (float) (r.nextDouble() - 0.5);
    return t;
  }

  @Test
  void bprGradientMatchesFiniteDifferences() {
    float[][] params = {table(USERS, 1), table(ITEMS, 2)};
    float scale = 1f / U.length;
    float[][] grads = {new float[USERS * DIM], new float[ITEMS * DIM]};
    BprLoss.accumulate(params[0], params[1], DIM, U, P, N, 0, U.length, scale, grads[0], grads[1]);
    GradientCheck.check(p -> scale * BprLoss.accumulate(p[0], p[1], DIM, U, P, N, 0, U.length, scale,
        new float[USERS * DIM], new float[ITEMS * DIM]), params, grads);
  }

  @Test
  void bprOfEqualScoresIsLn2() {
    float[] users = new float[DIM];
    float[] items = new float[2 * DIM];
    double loss = BprLoss.accumulate(users, items, DIM, new int[] {0}, new int[] {0}, new int[] {1}, 0, 1, 1f,
        new float[DIM], new float[2 * DIM]);
    assertThat(loss).isCloseTo(Math.log(2), within(1e-12));
  }

  @Test
  void sampledSoftmaxGradientMatchesFiniteDifferences() {
    int m = 3;
    int[] negs = {2, 3, 5, 3, 4, 5, 0, 1, 2, 4, 5, 2, 1, 0, 3};
    float tau = 0.5f;
    float[][] params = {table(USERS, 3), table(ITEMS, 4)};
    float scale = 1f / U.length;
    float[][] grads = {new float[USERS * DIM], new float[ITEMS * DIM]};
    SampledSoftmaxLoss.accumulate(params[0], params[1], DIM, U, P, negs, m, tau, 0, U.length, scale, grads[0],
        grads[1]);
    GradientCheck.check(p -> scale * SampledSoftmaxLoss.accumulate(p[0], p[1], DIM, U, P, negs, m, tau, 0, U.length,
        scale, new float[USERS * DIM], new float[ITEMS * DIM]), params, grads);
  }

  /** With all logits equal the loss is ln(m + 1), the cross-entropy of a uniform guess. */
  @Test
  void sampledSoftmaxOfEqualLogitsIsLnOfCandidates() {
    double loss = SampledSoftmaxLoss.accumulate(new float[DIM], new float[ITEMS * DIM], DIM, new int[] {0},
        new int[] {0}, new int[] {1, 2, 3, 4}, 4, 1f, 0, 1, 1f, new float[DIM], new float[ITEMS * DIM]);
    assertThat(loss).isCloseTo(Math.log(5), within(1e-12));
  }

  @Test
  void sampledSoftmaxRejectsTooFewNegatives() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SampledSoftmaxLoss.accumulate(new float[DIM],
        new float[ITEMS * DIM], DIM, new int[] {0, 0}, new int[] {0, 1}, new int[] {1, 2, 3}, 2, 1f, 0, 2, 1f,
        new float[DIM], new float[ITEMS * DIM])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negatives holds 3 ids, rows up to 2 need 4");
  }

  /**
   * The shared pool {2, 3, 5} holds row 4's positive 5 (masked there): the loss and gradient of the
   * product-based batch form match finite differences, on 1 and 2 threads.
   */
  @Test
  void sharedNegativeSoftmaxGradientMatchesFiniteDifferences() {
    int[] pool = {2, 3, 5};
    float tau = 0.5f;
    float scale = 1f / U.length;
    for (int threads : new int[] {1, 2}) {
      try (WorkerPool workers = WorkerPool.create(threads, "test-softmax")) {
        SharedNegativeSoftmax loss = new SharedNegativeSoftmax(DIM, tau, workers);
        float[][] params = {table(USERS, 3), table(ITEMS, 4)};
        float[][] grads = {new float[USERS * DIM], new float[ITEMS * DIM]};
        loss.accumulate(params[0], params[1], U, P, U.length, pool, pool.length, scale, grads[0], grads[1]);
        GradientCheck.check(p -> scale * loss.accumulate(p[0], p[1], U, P, U.length, pool, pool.length, scale,
            new float[USERS * DIM], new float[ITEMS * DIM]), params, grads);
      }
    }
  }

  /** Without a masked entry, the batch form is the per-row form given the pool as every row's negatives. */
  @Test
  void sharedNegativeSoftmaxIsSampledSoftmaxWithOnePoolForAllRows() {
    int[] pool = {2, 3};
    int[] users = {0, 1, 3};
    int[] positives = {1, 4, 0};
    int[] perRow = {2, 3, 2, 3, 2, 3};
    float[] u = table(USERS, 5);
    float[] i = table(ITEMS, 6);
    float[][] g = {new float[USERS * DIM], new float[ITEMS * DIM], new float[USERS * DIM], new float[ITEMS * DIM]};
    double expected = SampledSoftmaxLoss.accumulate(u, i, DIM, users, positives, perRow, 2, 0.3f, 0, 3, 0.5f, g[0], g[1]);
    double actual;
    try (WorkerPool workers = WorkerPool.create(2, "test-softmax")) {
      actual = new SharedNegativeSoftmax(DIM, 0.3f, workers).accumulate(u, i, users, positives, 3, pool, 2, 0.5f, g[2],
          g[3]);
    }
    assertThat(actual).isCloseTo(expected, within(1e-5));
    for (int j = 0; j < g[0].length; j++) assertThat(g[2][j]).as("user grad %d", j).isCloseTo(g[0][j], within(1e-5f));
    for (int j = 0; j < g[1].length; j++) assertThat(g[3][j]).as("item grad %d", j).isCloseTo(g[1][j], within(1e-5f));
  }

  @Test
  void l2GradientMatchesFiniteDifferences() {
    float[][] params = {table(ITEMS, 5)};
    float coef = 0.3f;
    float[][] grads = {new float[ITEMS * DIM]};
    L2Penalty.accumulate(params[0], DIM, P, 0, P.length, coef, grads[0]);
    GradientCheck.check(p -> L2Penalty.accumulate(p[0], DIM, P, 0, P.length, coef, new float[ITEMS * DIM]), params,
        grads);
  }

  /** (1/2) * 0.5 * (|(1,2,2)|^2 = 9) = 2.25, computed by hand. */
  @Test
  void l2OfAHandCheckedRow() {
    float[] t = {1, 2, 2};
    float[] g = new float[3];
    assertThat(L2Penalty.accumulate(t, 3, new int[] {0}, 0, 1, 0.5f, g)).isCloseTo(2.25, within(1e-9));
    assertThat(g).containsExactly(0.5f, 1f, 1f);
  }
}
