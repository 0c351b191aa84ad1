package dev.kindred.train.tower;

import dev.kindred.math.Kernels;
import dev.kindred.math.VectorOps;
import dev.kindred.train.nn.Optimizer;
import java.util.Arrays;

/**
 * The gradient of one batch with respect to the rows of an embedding table that the batch
 * touched, compacted in first-touch order as {@link Optimizer#stepRows} takes it. Invariants:
 * <ol>
 *   <li>{@code rows[0 .. count)} are distinct table rows;
 *   <li>{@code slot[rows[s]] == s} for {@code s < count}, and {@code slot[r] == -1} for every other row;
 *   <li>{@code grad[s * dim .. (s + 1) * dim)} is the gradient of {@code rows[s]}.
 * </ol>
 * Memory: one int per table row plus {@code dim + 1} floats per touched row. Not thread-safe.
 */
final class RowGradients {

  final int dim;
  private final int[] slot;
  int[] rows = new int[64];
  float[] grad;
  int count;

  RowGradients(int tableRows, int dim) {
    this.dim = dim;
    slot = new int[tableRows];
    Arrays.fill(slot, -1);
    grad = new float[rows.length * dim];
  }

  /** Adds {@code w * src[so .. so + dim)} to row {@code row}'s gradient. */
  void add(int row, float w, float[] src, int so) {
    int s = slot[row];
    if (s < 0) {
      s = count++;
      if (s == rows.length) {
        rows = Arrays.copyOf(rows, 2 * s);
        grad = Arrays.copyOf(grad, 2 * s * dim);
      }
      slot[row] = s;
      rows[s] = row;
      Arrays.fill(grad, s * dim, (s + 1) * dim, 0f);
    }
    VectorOps.kernels().axpy(w, src, so, grad, s * dim, dim);
  }

  /** Adds {@code l2 * e} for each touched row {@code e} of {@code table}; returns {@code l2/2 sum |e|^2}. */
  double addPenalty(float l2, float[] table) {
    if (l2 == 0f) return 0;
    Kernels k = VectorOps.kernels();
    double sq = 0;
    for (int s = 0; s < count; s++) {
      sq += k.dot(table, rows[s] * dim, table, rows[s] * dim, dim);
      k.axpy(l2, table, rows[s] * dim, grad, s * dim, dim);
    }
    return 0.5 * l2 * sq;
  }

  /** One lazy optimiser step on the touched rows of {@code table}, then forgets them. */
  void step(Optimizer optimizer, float[] table) {
    if (count > 0) optimizer.stepRows(table, dim, rows, count, grad, 1f);
    clear();
  }

  void clear() {
    for (int s = 0; s < count; s++) slot[rows[s]] = -1;
    count = 0;
  }
}
