package dev.kindred.spark.sgd;

import dev.kindred.math.Kernels;
import java.util.SplittableRandom;

/**
 * Squared error of biased MF, the objective of {@code MfSgdTrainer}: per rating
 * {@code e = r - mu - b_u - b_i - p_u . q_i}, then {@link Kernels#bilinearSgdStep} on
 * {@code p_u, q_i} and {@code b += lr (e - lambda_b b)} on both biases. Loss is the sum of
 * {@code e^2} before each step.
 */
record MfObjective(float mu, float regularization, float biasRegularization, boolean biases) implements SgdObjective {

  @Override
  public double[] pass(Kernels kern, LocalRatings r, int from, int to, FactorBlock users, FactorBlock items, float lr,
      SplittableRandom rng) {
    final int[] order = r.order;
    final int[] us = r.users;
    final int[] is = r.items;
    final float[] vs = r.values;
    final float[] p = users.factors;
    final float[] q = items.factors;
    final float[] bu = users.bias;
    final float[] bi = items.bias;
    final int k = users.k;
    final int su = users.stride;
    final int si = items.stride;
    final float reg = regularization;
    final float regB = biasRegularization;
    double loss = 0;
    for (int x = from; x < to; x++) {
      int j = order[x];
      int u = us[j] / su;
      int i = is[j] / si;
      float target = vs[j] - mu;
      if (biases) target -= bu[u] + bi[i];
      float e = kern.bilinearSgdStep(p, u * k, q, i * k, k, target, lr, reg, lr, reg);
      if (biases) {
        bu[u] += lr * (e - regB * bu[u]);
        bi[i] += lr * (e - regB * bi[i]);
      }
      loss += e * e;
    }
    return new double[] {loss, to - from};
  }

  @Override
  public boolean userBias() {
    return biases;
  }

  @Override
  public boolean itemBias() {
    return biases;
  }
}
