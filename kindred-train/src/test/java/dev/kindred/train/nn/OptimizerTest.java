package dev.kindred.train.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.math.WorkerPool;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Adam, AdamW and SGD against a double-precision transcription of the papers' update rules, and
 * the lazy row-wise step against the dense one. Tolerance {@value #TOL}: float against double over
 * a few steps of size about {@code lr = 0.01}.
 */
class OptimizerTest {

  static final double TOL = 2e-6;
  static final int SIZE = 70_000; // spans two parallel chunks plus a tail

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int j = 0; j < n; j++) a[j] = (float) (r.nextDouble() * 2 - 1);
    return a;
  }

  /** Kingma and Ba, Algorithm 1 (PyTorch's placement of epsilon), plus AdamW's decoupled decay, in double. */
  static double[] referenceAdam(float[] w0, float[][] grads, OptimizerConfig c) {
    double[] w = new double[w0.length];
    double[] m = new double[w0.length];
    double[] v = new double[w0.length];
    for (int j = 0; j < w.length; j++) w[j] = w0[j];
    for (int t = 1; t <= grads.length; t++) {
      for (int j = 0; j < w.length; j++) {
        double g = grads[t - 1][j];
        if (c.kind() == OptimizerConfig.Kind.ADAMW) w[j] *= 1 - (double) c.learningRate() * c.weightDecay();
        m[j] = c.beta1() * m[j] + (1 - c.beta1()) * g;
        v[j] = c.beta2() * v[j] + (1 - c.beta2()) * g * g;
        double mHat = m[j] / (1 - Math.pow(c.beta1(), t));
        double vHat = v[j] / (1 - Math.pow(c.beta2(), t));
        w[j] -= c.learningRate() * mHat / (Math.sqrt(vHat) + c.epsilon());
      }
    }
    return w;
  }

  void assertDenseMatchesReference(OptimizerConfig c) {
    float[] w = random(SIZE, 1);
    float[][] grads = {random(SIZE, 2), random(SIZE, 3), random(SIZE, 4)};
    double[] expected = referenceAdam(w, grads, c);
    Optimizer opt = new Optimizer(c, SIZE);
    try (WorkerPool pool = WorkerPool.create(2, "test-opt")) {
      for (float[] g : grads) opt.stepDense(w, g, 1f, pool);
    }
    assertThat(opt.steps()).isEqualTo(3);
    for (int j = 0; j < SIZE; j++) assertThat((double) w[j]).as("w[%d]", j).isCloseTo(expected[j], within(TOL));
  }

  @Test
  void denseAdamFollowsThePaper() {
    assertDenseMatchesReference(OptimizerConfig.DEFAULTS.withLearningRate(0.01f));
  }

  @Test
  void denseAdamWDecaysDecoupled() {
    assertDenseMatchesReference(OptimizerConfig.DEFAULTS.withKind(OptimizerConfig.Kind.ADAMW).withLearningRate(0.01f)
        .withWeightDecay(0.5f));
  }

  @Test
  void sgdStepsAgainstTheGradient() {
    float[] w = {1f, -2f, 0.5f};
    Optimizer opt = new Optimizer(OptimizerConfig.DEFAULTS.withKind(OptimizerConfig.Kind.SGD).withLearningRate(0.1f)
        .withWeightDecay(1f), 3);
    try (WorkerPool pool = WorkerPool.create(1, "test-opt")) {
      opt.stepDense(w, new float[] {1f, 1f, -2f}, 2f, pool);
    }
    // keep = 1 - 0.1 * 1 = 0.9 (decay not scaled by the schedule); lr = 0.1 * 2 = 0.2
    assertThat(w[0]).isCloseTo(0.9f - 0.2f, within(1e-6f));
    assertThat(w[1]).isCloseTo(-1.8f - 0.2f, within(1e-6f));
    assertThat(w[2]).isCloseTo(0.45f + 0.4f, within(1e-6f));
  }

  /** Listing every row every step makes the lazy step the dense one. */
  @Test
  void lazyStepOverAllRowsEqualsDense() {
    int dim = 5;
    int rows = 9;
    float[] a = random(rows * dim, 7);
    float[] b = a.clone();
    int[] all = {8, 0, 1, 2, 3, 4, 5, 6, 7}; // any order
    Optimizer dense = new Optimizer(OptimizerConfig.DEFAULTS.withLearningRate(0.01f), rows * dim);
    Optimizer lazy = new Optimizer(OptimizerConfig.DEFAULTS.withLearningRate(0.01f), rows * dim);
    try (WorkerPool pool = WorkerPool.create(1, "test-opt")) {
      for (int s = 0; s < 3; s++) {
        float[] g = random(rows * dim, 10 + s);
        dense.stepDense(a, g, 1f, pool);
        float[] compact = new float[rows * dim];
        for (int r = 0; r < rows; r++) System.arraycopy(g, all[r] * dim, compact, r * dim, dim);
        lazy.stepRows(b, dim, all, rows, compact, 1f);
      }
    }
    assertThat(b).containsExactly(a);
  }

  /** The departure from dense Adam: rows outside the batch keep their weights (dense Adam moves them on momentum). */
  @Test
  void lazyStepLeavesUntouchedRowsAlone() {
    int dim = 4;
    float[] w = random(3 * dim, 8);
    float[] before = w.clone();
    Optimizer lazy = new Optimizer(OptimizerConfig.DEFAULTS, 3 * dim);
    lazy.stepRows(w, dim, new int[] {1}, 1, random(dim, 9), 1f);
    lazy.stepRows(w, dim, new int[] {1}, 1, random(dim, 10), 1f);
    for (int j = 0; j < dim; j++) {
      assertThat(w[j]).isEqualTo(before[j]);
      assertThat(w[2 * dim + j]).isEqualTo(before[2 * dim + j]);
      assertThat(w[dim + j]).isNotEqualTo(before[dim + j]);
    }
  }

  @Test
  void invalidArgumentsAreRejectedWithTheirValues() {
    assertThatThrownBy(() -> OptimizerConfig.DEFAULTS.withBetas(1f, 0.9f)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("beta1 must be in [0, 1), got 1.0");
    Optimizer opt = new Optimizer(OptimizerConfig.DEFAULTS, 8);
    assertThatThrownBy(() -> opt.stepRows(new float[8], 4, new int[] {2}, 1, new float[4], 1f))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rows[0] = 2 outside [0, 2)");
    try (WorkerPool pool = WorkerPool.create(1, "test-opt")) {
      assertThatThrownBy(() -> opt.stepDense(new float[7], new float[8], 1f, pool))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("w has 7 values, the optimiser was made for 8");
    }
  }
}
