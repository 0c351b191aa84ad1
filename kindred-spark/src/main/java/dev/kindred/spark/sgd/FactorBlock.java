package dev.kindred.spark.sgd;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The factors (and biases) of one block of rows: row {@code r} of the full matrix with
 * {@code r mod stride == block} is local row {@code r / stride}. With {@code stride == 1} and
 * {@code block == 0} it holds the whole matrix (the SYNC / ASYNC parameter copies).
 *
 * <p>Invariants (checked in the constructor): {@code rows == ceil((total - block) / stride)};
 * {@code factors.length == rows * k}; {@code bias} is null or of length {@code rows}. Not
 * thread-safe: one task owns a block at a time.
 */
final class FactorBlock implements Serializable {

  private static final long serialVersionUID = 1L;

  final int block;
  final int stride;
  final int total;
  final int rows;
  final int k;
  final float[] factors;
  final float[] bias;

  FactorBlock(int block, int stride, int total, int k, float[] factors, float[] bias) {
    this.block = block;
    this.stride = stride;
    this.total = total;
    this.rows = rowsOf(block, stride, total);
    this.k = k;
    this.factors = factors;
    this.bias = bias;
    if (factors.length != (long) rows * k || (bias != null && bias.length != rows)) {
      throw new IllegalStateException("FactorBlock " + block + "/" + stride + ": " + factors.length + " floats for "
          + rows + " rows of " + k + (bias == null ? "" : ", " + bias.length + " biases"));
    }
  }

  static int rowsOf(int block, int stride, int total) {
    return total <= block ? 0 : (total - block + stride - 1) / stride;
  }

  /**
   * Gaussian rows, each from its own generator seeded by {@code (seed, salt, global row)}: the
   * values do not depend on the block layout.
   */
  static FactorBlock gaussian(int block, int stride, int total, int k, float std, boolean withBias, long seed,
      long salt) {
    int rows = rowsOf(block, stride, total);
    float[] f = new float[Math.multiplyExact(rows, k)];
    for (int r = 0; r < rows; r++) {
      SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, salt, block + (long) r * stride));
      for (int c = 0; c < k; c++) f[r * k + c] = (float) (rng.nextGaussian() * std);
    }
    return new FactorBlock(block, stride, total, k, f, withBias ? new float[rows] : null);
  }

  FactorBlock copy() {
    return new FactorBlock(block, stride, total, k, factors.clone(), bias == null ? null : bias.clone());
  }

  int localRow(int globalRow) {
    return globalRow / stride;
  }

  int globalRow(int localRow) {
    return block + localRow * stride;
  }

  void zeroRow(int localRow) {
    Arrays.fill(factors, localRow * k, (localRow + 1) * k, 0f);
  }

}
