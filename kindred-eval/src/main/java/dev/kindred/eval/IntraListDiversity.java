package dev.kindred.eval;

import dev.kindred.math.FactorMatrix;

/**
 * Intra-list diversity at K (key {@code ild@K}) of one list: the mean cosine distance
 * {@code 1 - cos(q_i, q_j)} over the unordered pairs of the list's first {@code n = min(len, K)}
 * items, with {@code q_i} the item's latent factors. Ziegler, McNee, Konstan, Lausen, "Improving
 * recommendation lists through topic diversification", WWW 2005, doi:10.1145/1060745.1060754
 * (their ILS with similarity replaced by distance); the factor form follows Vargas and Castells,
 * RecSys 2011, doi:10.1145/2043932.2043955. A zero vector is at distance 1 from everything; a
 * list of fewer than two items has no pairs and scores NaN.
 *
 * <p>Only models with item vectors (latent-factor models) have this metric; the evaluator leaves
 * it out for the others. Cost: {@code O(items dim)} once for the norms, {@code O(n^2 dim)} per list.
 * Immutable and thread-safe.
 */
public final class IntraListDiversity {

  private final FactorMatrix factors;
  private final double[] norm;

  public IntraListDiversity(FactorMatrix itemFactors) {
    this.factors = itemFactors;
    this.norm = new double[itemFactors.rows()];
    float[] row = new float[itemFactors.dim()];
    for (int i = 0; i < norm.length; i++) {
      itemFactors.copyRow(i, row, 0);
      norm[i] = Math.sqrt(dot(row, row));
    }
  }

  /** {@code ild@K} of one list, best first. */
  public double of(int[] ranked, int k) {
    if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
    int n = Math.min(ranked.length, k);
    if (n < 2) return Double.NaN;
    float[][] rows = new float[n][];
    for (int r = 0; r < n; r++) {
      if (ranked[r] < 0 || ranked[r] >= norm.length) {
        throw new IllegalArgumentException("item " + ranked[r] + " at rank " + (r + 1) + " has no factors (items: "
            + norm.length + ")");
      }
      rows[r] = factors.row(ranked[r]);
    }
    double sum = 0;
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        double denom = norm[ranked[a]] * norm[ranked[b]];
        sum += denom == 0 ? 1.0 : 1.0 - dot(rows[a], rows[b]) / denom;
      }
    }
    return sum / (n * (n - 1) / 2.0);
  }

  private static double dot(float[] x, float[] y) {
    double s = 0;
    for (int j = 0; j < x.length; j++) s += (double) x[j] * y[j];
    return s;
  }
}
