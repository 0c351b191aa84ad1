package dev.kindred.spark.sgd;

import dev.kindred.math.Kernels;
import java.util.SplittableRandom;

/**
 * BPR-OPT, the objective of {@code BprTrainer}: for each rating {@code (u, i)} one negative
 * {@code j} drawn uniformly from the rows of the given item block that {@code u} has not rated
 * (up to {@value #MAX_DRAWS} proposals, else the step is skipped), then
 * {@link Kernels#pairwiseLogisticStep} and the item-bias step {@code b += lr (+-g - lambda_b b)}.
 * Loss is {@code -ln sigma(x_uij)} before each step.
 */
record BprObjective(float regularization, float negativeRegularization, float biasRegularization, boolean withItemBias)
    implements SgdObjective {

  static final int MAX_DRAWS = 32;

  @Override
  public double[] pass(Kernels kern, LocalRatings r, int from, int to, FactorBlock users, FactorBlock items, float lr,
      SplittableRandom rng) {
    final int[] order = r.order;
    final int[] us = r.users;
    final int[] is = r.items;
    final float[] p = users.factors;
    final float[] q = items.factors;
    final float[] bi = items.bias;
    final int k = users.k;
    final int su = users.stride;
    final int si = items.stride;
    final int candidates = items.rows;
    double loss = 0;
    int steps = 0;
    for (int x = from; x < to; x++) {
      int at = order[x];
      int jRow = -1;
      for (int draw = 0; draw < MAX_DRAWS; draw++) {
        int cand = rng.nextInt(candidates);
        if (!r.contains(at, items.globalRow(cand))) {
          jRow = cand;
          break;
        }
      }
      if (jRow < 0) continue;
      int u = us[at] / su;
      int i = is[at] / si;
      float offset = bi == null ? 0f : bi[i] - bi[jRow];
      float m = kern.pairwiseLogisticStep(p, u * k, q, i * k, q, jRow * k, k, offset, lr, regularization,
          regularization, negativeRegularization);
      double ex = Math.exp(m);
      if (bi != null) {
        float g = (float) (1 / (1 + ex));
        bi[i] += lr * (g - biasRegularization * bi[i]);
        bi[jRow] += lr * (-g - biasRegularization * bi[jRow]);
      }
      loss += m > 30 ? 0 : Math.log(1 + ex) - m;
      steps++;
    }
    return new double[] {loss, steps};
  }

  @Override
  public boolean userBias() {
    return false;
  }

  @Override
  public boolean itemBias() {
    return withItemBias;
  }
}
