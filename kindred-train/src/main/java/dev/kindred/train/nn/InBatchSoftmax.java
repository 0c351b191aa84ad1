package dev.kindred.train.nn;

import dev.kindred.math.Kernels;
import dev.kindred.math.MatrixProduct;
import dev.kindred.math.MatrixProduct.Operand;
import dev.kindred.math.MatrixProduct.Triangle;
import dev.kindred.math.ScalarKernels;
import dev.kindred.math.VectorOps;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;

/**
 * In-batch sampled softmax with log-Q correction, the loss of retrieval towers (Yi et al.,
 * "Sampling-Bias-Corrected Neural Modeling for Large Corpus Item Recommendations", RecSys 2019,
 * doi:10.1145/3298689.3346996), with optional mixed negatives (Yang et al., "Mixed Negative
 * Sampling for Learning Two-tower Neural Networks in Recommendations", WWW 2020,
 * doi:10.1145/3366424.3386195). Row {@code b} of a batch has query vector {@code u_b} and positive
 * candidate {@code b}; the candidates are the batch's {@code n} positives followed by any extra
 * negatives, {@code c >= n} in all. Logits {@code s_c(x_b, y_j) = u_b . v_j / tau - ln Q_j} (the
 * paper's eq. 3 with {@code tau} of its section 4), {@code loss = 1/n sum_b (-s_bb + ln sum_j e^{s_bj})}.
 * A column {@code j != b} holding the same item as the row's positive is masked (an accidental
 * hit), so a popular item twice in a batch is not pushed down against itself.
 *
 * <p>Symbols: {@code Q_j} is the expected number of times candidate {@code j}'s item is among the
 * candidates, {@link #logExpectedCount}: {@code n f_j / N + m / W} for an item with {@code f_j} of
 * the {@code N} training pairs when {@code m} negatives are drawn uniformly from {@code W} items.
 * Departure from Yi et al.: the frequencies are counted exactly from the training data (their
 * streaming estimate is for unbounded streams); with {@code m = 0} the correction is theirs up to a
 * constant per row, which the softmax ignores.
 *
 * <p>Cost: three products of {@code 2 n c d} flops ({@link MatrixProduct}) and {@code n c} scalar
 * exponentials for the softmax rows (split over the pool's workers in blocks of rows). The result
 * does not depend on the number of workers or on JIT timing. Not thread-safe: an instance owns its scratch, grown to the largest batch.
 */
public final class InBatchSoftmax {

  private static final int ROW_BLOCK = 32;
  /**
   * The exponentials come from the scalar twin ({@link Math#exp}): the Vector API's lanewise
   * exponential gives different bits before and after the JIT compiles it, which would make a fit
   * depend on compilation timing.
   */
  private static final Kernels EXP = new ScalarKernels();

  private final MatrixProduct product;
  private final WorkerPool workers;
  private final int dim;
  private final float temperature;
  private float[] logits = new float[0];
  private double[] rowLoss = new double[0];

  /** @param temperature {@code tau > 0} */
  public InBatchSoftmax(int dim, float temperature, WorkerPool workers) {
    if (dim < 1 || !(temperature > 0) || !Float.isFinite(temperature)) {
      throw new IllegalArgumentException("need dim >= 1 and a finite temperature > 0, got dim=" + dim + " tau="
          + temperature);
    }
    this.dim = dim;
    this.temperature = temperature;
    this.workers = workers;
    this.product = new MatrixProduct(workers);
  }

  /**
   * {@code ln Q}: the log of the expected count of an item with {@code count} of {@code total}
   * training pairs among one batch's candidates ({@code batch} positives drawn in proportion to
   * frequency, {@code negatives} drawn uniformly from {@code support} items).
   */
  public static float logExpectedCount(long count, long total, int batch, int negatives, int support) {
    double q = (double) batch * count / total + (support == 0 ? 0 : (double) negatives / support);
    return (float) Math.log(q);
  }

  /**
   * The mean loss of rows {@code [0, n)}: queries {@code q} ({@code n x dim}), candidates
   * {@code v} ({@code c x dim}) with item ids {@code ids[0 .. c)} and log-corrections
   * {@code logQ[ids[j]]} (null: none). Writes (overwrites) the loss's gradient with respect to
   * {@code q} into {@code gradQ} and with respect to {@code v} into {@code gradV}.
   */
  public double lossAndGradient(float[] q, float[] v, int n, int c, int[] ids, float[] logQ, float[] gradQ,
      float[] gradV) {
    if (n < 1 || c < n || ids.length < c || q.length < n * dim || v.length < c * dim || gradQ.length < n * dim
        || gradV.length < c * dim) {
      throw new IllegalArgumentException("need 1 <= n <= c and arrays of n x dim / c x dim, got n=" + n + " c=" + c
          + " dim=" + dim);
    }
    if (logits.length < (long) n * c) logits = new float[Math.multiplyExact(n, c)];
    if (rowLoss.length < n) rowLoss = new double[n];
    float invTau = 1f / temperature;
    Arrays.fill(logits, 0, n * c, 0f);
    product.multiplyAdd(n, c, dim, invTau, Operand.of(q, 0, dim), Operand.of(v, 0, dim).transpose(), logits, 0, c,
        Triangle.FULL);
    float scale = 1f / n;
    workers.forEachShared((n + ROW_BLOCK - 1) / ROW_BLOCK, (w, blk) -> {
      for (int b = blk * ROW_BLOCK, end = Math.min(n, b + ROW_BLOCK); b < end; b++) {
        rowLoss[b] = softmaxRow(b, c, ids, logQ, scale);
      }
    });
    double loss = 0;
    for (int b = 0; b < n; b++) loss += rowLoss[b];
    Arrays.fill(gradQ, 0, n * dim, 0f);
    Arrays.fill(gradV, 0, c * dim, 0f);
    product.multiplyAdd(n, dim, c, invTau, Operand.of(logits, 0, c), Operand.of(v, 0, dim), gradQ, 0, dim,
        Triangle.FULL);
    product.multiplyAdd(c, dim, n, invTau, Operand.of(logits, 0, c).transpose(), Operand.of(q, 0, dim), gradV, 0, dim,
        Triangle.FULL);
    return loss * scale;
  }

  /**
   * Row {@code b}: corrects and masks the logits, replaces them by {@code scale (p_j - [j = b])}
   * ({@code dLoss/ds_bj}) and returns the row's loss.
   */
  private double softmaxRow(int b, int c, int[] ids, float[] logQ, float scale) {
    Kernels k = VectorOps.kernels();
    int o = b * c;
    int positive = ids[b];
    for (int j = 0; j < c; j++) {
      if (logQ != null) logits[o + j] -= logQ[ids[j]];
      if (j != b && ids[j] == positive) logits[o + j] = Float.NEGATIVE_INFINITY;
    }
    float zb = logits[o + b];
    float max = k.max(logits, o, c);
    double sum = EXP.expShiftSum(logits, o, c, -max);
    k.scale(logits, o, c, (float) (scale / sum));
    logits[o + b] -= scale;
    return max + Math.log(sum) - zb;
  }
}
