package dev.kindred.train.nn;

import dev.kindred.math.Kernels;
import dev.kindred.math.VectorOps;

/**
 * Sampled softmax (cross-entropy of the positive against {@code m} sampled negatives; Jean, Cho,
 * Memisevic, Bengio, ACL 2015, arXiv:1412.2007; as used for retrieval towers by Yi et al., RecSys
 * 2019, doi:10.1145/3298689.3346996): logits {@code z_0 = e_u . e_i / tau} for the positive and
 * {@code z_s = e_u . e_{j_s} / tau} for the negatives, {@code loss = -z_0 + ln sum_s exp(z_s)}. With
 * {@code p = softmax(z)}, {@code dL/dz_s = p_s - [s = 0]}, so
 * {@code dL/de_u = sum_s (dL/dz_s / tau) e_s} and {@code dL/de_s = (dL/dz_s / tau) e_u}.
 *
 * <p>Departure from the cited papers: no log-Q correction of the logits for the sampling
 * distribution (negatives are expected to be uniform, as {@code NegativeSampler.uniform} draws
 * them). Cost: {@code 4 (m + 1) dim} flops per row; logits in a scratch array of {@code m + 1}
 * doubles per call. Stateless; concurrent calls must not share gradient rows.
 */
public final class SampledSoftmaxLoss {

  private SampledSoftmaxLoss() {}

  /**
   * Loss of rows {@code [from, to)}: user {@code users[b]}, positive {@code positives[b]} and
   * negatives {@code negatives[b * m .. (b + 1) * m)}, with {@code scale} times its gradient added to
   * the gradient tables. Returns the unscaled sum of the rows' losses.
   *
   * @param temperature {@code tau > 0}
   */
  public static double accumulate(float[] userTable, float[] itemTable, int dim, int[] users, int[] positives,
      int[] negatives, int m, float temperature, int from, int to, float scale, float[] gradUsers,
      float[] gradItems) {
    if (m < 1 || !(temperature > 0)) {
      throw new IllegalArgumentException("need m >= 1 negatives and temperature > 0, got m=" + m + " tau=" + temperature);
    }
    if ((long) to * m > negatives.length) {
      throw new IllegalArgumentException("negatives holds " + negatives.length + " ids, rows up to " + to + " need "
          + (long) to * m);
    }
    Kernels k = VectorOps.kernels();
    double[] z = new double[m + 1];
    double loss = 0;
    for (int b = from; b < to; b++) {
      int uo = users[b] * dim;
      double max = Double.NEGATIVE_INFINITY;
      for (int s = 0; s <= m; s++) {
        z[s] = k.dot(userTable, uo, itemTable, row(positives, negatives, b, s, m) * dim, dim) / temperature;
        max = Math.max(max, z[s]);
      }
      double sum = 0;
      for (int s = 0; s <= m; s++) sum += Math.exp(z[s] - max);
      double logSum = max + Math.log(sum);
      loss += logSum - z[0];
      for (int s = 0; s <= m; s++) {
        double p = Math.exp(z[s] - logSum);
        float g = (float) (scale * (p - (s == 0 ? 1 : 0)) / temperature);
        int so = row(positives, negatives, b, s, m) * dim;
        k.axpy(g, itemTable, so, gradUsers, uo, dim);
        k.axpy(g, userTable, uo, gradItems, so, dim);
      }
    }
    return loss;
  }

  private static int row(int[] positives, int[] negatives, int b, int s, int m) {
    return s == 0 ? positives[b] : negatives[b * m + s - 1];
  }
}
