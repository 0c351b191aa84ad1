package dev.kindred.spark.sgd;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The rows of one stride-1 factor block that a round of local SGD changed, and by how much: what a
 * partition sends back under SYNC and ASYNC instead of a dense copy of the model. With ratings
 * partitioned by user a partition changes only its own users' rows and the items its users rated
 * (plus, for BPR, the sampled negatives), so the delta shrinks with the partition count.
 *
 * <p>Invariants (checked in the constructor): {@code rows} strictly increasing;
 * {@code values.length == rows.length * k}; {@code bias} null or of length {@code rows.length}.
 * Immutable once built, except that {@link #plus} may reuse nothing: it always allocates.
 */
final class RowDelta implements Serializable {

  private static final long serialVersionUID = 1L;

  final int k;
  final int[] rows;
  final float[] values;
  final float[] bias;

  RowDelta(int k, int[] rows, float[] values, float[] bias) {
    this.k = k;
    this.rows = rows;
    this.values = values;
    this.bias = bias;
    if (values.length != (long) rows.length * k || (bias != null && bias.length != rows.length)) {
      throw new IllegalStateException("RowDelta: " + rows.length + " rows of " + k + " but " + values.length
          + " values" + (bias == null ? "" : " and " + bias.length + " biases"));
    }
    for (int x = 1; x < rows.length; x++) {
      if (rows[x] <= rows[x - 1]) {
        throw new IllegalStateException("RowDelta: rows not increasing at " + x + ": " + rows[x - 1] + ", " + rows[x]);
      }
    }
  }

  /** {@code local - base} over the rows where they differ (bitwise). Both blocks have stride 1. */
  static RowDelta diff(FactorBlock local, FactorBlock base) {
    int k = local.k;
    int[] rows = new int[local.rows];
    int n = 0;
    for (int r = 0; r < local.rows; r++) {
      boolean changed = local.bias != null && local.bias[r] != base.bias[r];
      if (!changed) changed = !Arrays.equals(local.factors, r * k, (r + 1) * k, base.factors, r * k, (r + 1) * k);
      if (changed) rows[n++] = r;
    }
    rows = Arrays.copyOf(rows, n);
    float[] values = new float[n * k];
    float[] bias = local.bias == null ? null : new float[n];
    for (int x = 0; x < n; x++) {
      int r = rows[x];
      for (int c = 0; c < k; c++) values[x * k + c] = local.factors[r * k + c] - base.factors[r * k + c];
      if (bias != null) bias[x] = local.bias[r] - base.bias[r];
    }
    return new RowDelta(k, rows, values, bias);
  }

  /** The sum of two deltas: a merge of their row lists, adding where both have a row. */
  RowDelta plus(RowDelta o) {
    int[] rs = new int[rows.length + o.rows.length];
    float[] vs = new float[rs.length * k];
    float[] bs = bias == null ? null : new float[rs.length];
    int a = 0;
    int b = 0;
    int n = 0;
    while (a < rows.length || b < o.rows.length) {
      int ra = a < rows.length ? rows[a] : Integer.MAX_VALUE;
      int rb = b < o.rows.length ? o.rows[b] : Integer.MAX_VALUE;
      rs[n] = Math.min(ra, rb);
      if (ra <= rb) {
        System.arraycopy(values, a * k, vs, n * k, k);
        if (bs != null) bs[n] = bias[a];
      }
      if (rb <= ra) {
        for (int c = 0; c < k; c++) vs[n * k + c] += o.values[b * k + c];
        if (bs != null) bs[n] += o.bias[b];
      }
      if (ra <= rb) a++;
      if (rb <= ra) b++;
      n++;
    }
    return new RowDelta(k, Arrays.copyOf(rs, n), Arrays.copyOf(vs, n * k), bs == null ? null : Arrays.copyOf(bs, n));
  }

  /** {@code target += this} on the listed rows (target has stride 1). */
  void addTo(FactorBlock target) {
    for (int x = 0; x < rows.length; x++) {
      int r = rows[x];
      for (int c = 0; c < k; c++) target.factors[r * k + c] += values[x * k + c];
      if (bias != null) target.bias[r] += bias[x];
    }
  }

  /** Bytes of payload (rows, values, biases), for the documentation of data movement. */
  long payloadBytes() {
    return 4L * rows.length + 4L * values.length + (bias == null ? 0 : 4L * bias.length);
  }
}
