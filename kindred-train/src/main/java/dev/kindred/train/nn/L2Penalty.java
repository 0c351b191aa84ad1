package dev.kindred.train.nn;

import dev.kindred.math.Kernels;
import dev.kindred.math.VectorOps;

/**
 * L2 penalty on the rows of an embedding table that a batch touched, as LightGCN and NGCF
 * regularise: {@code coef / 2 * sum_b |e_{rows[b]}|^2}, one term per occurrence (a row listed twice
 * is penalised twice), with gradient {@code coef * e} per occurrence. LightGCN's
 * {@code 1/2 lambda (|e_u^0|^2 + |e_i^0|^2 + |e_j^0|^2) / batch} is three calls with
 * {@code coef = lambda / batch}.
 *
 * <p>Cost: {@code 4 dim} flops per listed row. Stateless; concurrent calls must not share gradient rows.
 */
public final class L2Penalty {

  private L2Penalty() {}

  /**
   * Adds {@code coef * e} to {@code grad}'s row for each {@code rows[b]}, {@code b} in
   * {@code [from, to)}, and returns the penalty {@code coef / 2 * sum |e|^2}.
   */
  public static double accumulate(float[] table, int dim, int[] rows, int from, int to, float coef, float[] grad) {
    Kernels k = VectorOps.kernels();
    double sq = 0;
    for (int b = from; b < to; b++) {
      if (rows[b] < 0) continue; // an absent row (a negative that could not be drawn)
      int o = rows[b] * dim;
      sq += k.dot(table, o, table, o, dim);
      k.axpy(coef, table, o, grad, o, dim);
    }
    return 0.5 * coef * sq;
  }
}
