package dev.kindred.data;

import java.util.SplittableRandom;

/**
 * Draws {@code i} with probability {@code w[i] / sum(w)} in O(1) (Walker's alias method, Vose's
 * construction). Build O(n); immutable and thread-safe once built.
 */
final class AliasSampler {

  private final double[] prob;
  private final int[] alias;

  AliasSampler(double[] weights) {
    int n = weights.length;
    if (n == 0) {
      throw new IllegalArgumentException("no weights");
    }
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weights must be finite and >= 0, got " + w);
      }
      sum += w;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("weights sum to 0");
    }
    prob = new double[n];
    alias = new int[n];
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int ns = 0;
    int nl = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[i] * n / sum;
      if (scaled[i] < 1) {
        small[ns++] = i;
      } else {
        large[nl++] = i;
      }
    }
    while (ns > 0 && nl > 0) {
      int s = small[--ns];
      int l = large[--nl];
      prob[s] = scaled[s];
      alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) {
        small[ns++] = l;
      } else {
        large[nl++] = l;
      }
    }
    while (nl > 0) {
      prob[large[--nl]] = 1;
    }
    while (ns > 0) {
      prob[small[--ns]] = 1; // rounding leftovers
    }
  }

  int sample(SplittableRandom rnd) {
    int i = rnd.nextInt(prob.length);
    return rnd.nextDouble() < prob[i] ? i : alias[i];
  }
}
