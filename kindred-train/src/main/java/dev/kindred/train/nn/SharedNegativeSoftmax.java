package dev.kindred.train.nn;

import dev.kindred.math.Kernels;
import dev.kindred.math.MatrixProduct;
import dev.kindred.math.MatrixProduct.Operand;
import dev.kindred.math.MatrixProduct.Triangle;
import dev.kindred.math.VectorOps;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;

/**
 * Sampled softmax over one pool of negatives shared by a whole batch (the batched form of
 * {@link SampledSoftmaxLoss}; Jean et al., ACL 2015, arXiv:1412.2007; for graph recommenders, Wu
 * et al., "On the Effectiveness of Sampled Softmax Loss for Item Recommendation", TOIS 2023,
 * arXiv:2201.02327). Row {@code b} has logits {@code z_0 = u_b . p_b / tau} for its positive and
 * {@code z_s = u_b . n_s / tau} for the pool's {@code m} negatives, and
 * {@code loss_b = -z_0 + ln(e^{z_0} + sum_s e^{z_s})}. A negative equal to the row's positive is
 * masked (left out of that row's sum), so a popular positive drawn into the pool is not pushed down
 * against itself.
 *
 * <p>Sharing the pool turns the logits and both gradients into three dense products ({@code n x m}
 * logits, {@code n x k} and {@code m x k} gradients) that run on {@link MatrixProduct}'s blocked
 * kernel: {@code 6 n m k} flops per call instead of {@code n} separate {@code m}-row scans. The
 * negatives are whatever the caller draws; with uniform draws no log-Q correction is needed (the
 * cited papers' setting).
 *
 * <p>Not thread-safe: an instance owns its product scratch and grows its buffers to the largest
 * batch seen. The result does not depend on the pool's size (each entry of a product is summed by one
 * worker in a fixed order).
 */
public final class SharedNegativeSoftmax {

  private static final int ROW_BLOCK = 64;

  private final MatrixProduct product;
  private final WorkerPool workers;
  private final int dim;
  private final float temperature;
  private float[] rowsU = new float[0]; // n x dim: each row's user embedding
  private float[] pool = new float[0]; // m x dim: the negatives' embeddings
  private float[] logits = new float[0]; // n x m, then dL/dz_s
  private float[] gradRows = new float[0]; // n x dim
  private float[] gradPool = new float[0]; // m x dim
  private int[] where = new int[0]; // id -> pool position
  private float[] g0 = new float[0]; // per row: scaled dL/dz_0
  private double[] rowLoss = new double[0];

  /**
   * @param temperature {@code tau > 0}
   * @param workers the pool the products run on (also used by the caller between calls)
   */
  public SharedNegativeSoftmax(int dim, float temperature, WorkerPool workers) {
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
   * Loss of rows {@code [0, n)}: user row {@code users[b]} of {@code userTable}, positive row
   * {@code positives[b]} of {@code itemTable}, negatives rows {@code negatives[0 .. m)} of
   * {@code itemTable}; {@code scale} times the gradient is added to {@code gradUsers} /
   * {@code gradItems} (same layouts as the tables). Returns the unscaled sum of the rows' losses.
   */
  public double accumulate(float[] userTable, float[] itemTable, int[] users, int[] positives, int n, int[] negatives,
      int m, float scale, float[] gradUsers, float[] gradItems) {
    if (n < 0 || m < 1 || users.length < n || positives.length < n || negatives.length < m) {
      throw new IllegalArgumentException("need 0 <= n <= rows given and 1 <= m <= negatives given, got n=" + n
          + " m=" + m);
    }
    if (n == 0) return 0;
    ensure(n, m);
    for (int b = 0; b < n; b++) System.arraycopy(userTable, users[b] * dim, rowsU, b * dim, dim);
    for (int s = 0; s < m; s++) System.arraycopy(itemTable, negatives[s] * dim, pool, s * dim, dim);
    Arrays.fill(logits, 0, n * m, 0f);
    float invTau = 1f / temperature;
    product.multiplyAdd(n, m, dim, invTau, Operand.of(rowsU, 0, dim), Operand.of(pool, 0, dim).transpose(), logits, 0,
        m, Triangle.FULL);
    // A pool entry equal to a row's positive is masked: its logit becomes -inf before the softmax.
    int[] where = poolPosition(negatives, m);
    float[] g0 = rowScratch(n);
    double[] rowLoss = rowLoss(n);
    workers.forEachShared((n + ROW_BLOCK - 1) / ROW_BLOCK, (w, blk) -> {
      for (int b = blk * ROW_BLOCK, end = Math.min(n, b + ROW_BLOCK); b < end; b++) {
        int pos = positives[b];
        int masked = pos < where.length ? where[pos] : -1;
        rowLoss[b] = softmaxRow(b, m, dot(rowsU, b * dim, itemTable, pos * dim, dim) * invTau, masked, scale, invTau, g0);
      }
    });
    double loss = 0;
    for (int b = 0; b < n; b++) {
      loss += rowLoss[b];
      // The positive's own term: dL/dz_0 = p_0 - 1, already scaled in g0.
      int po = positives[b] * dim;
      int gu = users[b] * dim;
      int uo = b * dim;
      for (int c = 0; c < dim; c++) {
        gradUsers[gu + c] += g0[b] * itemTable[po + c];
        gradItems[po + c] += g0[b] * rowsU[uo + c];
      }
    }
    Arrays.fill(gradRows, 0, n * dim, 0f);
    Arrays.fill(gradPool, 0, m * dim, 0f);
    product.multiplyAdd(n, dim, m, 1f, Operand.of(logits, 0, m), Operand.of(pool, 0, dim), gradRows, 0, dim,
        Triangle.FULL);
    product.multiplyAdd(m, dim, n, 1f, Operand.of(logits, 0, m).transpose(), Operand.of(rowsU, 0, dim), gradPool, 0,
        dim, Triangle.FULL);
    for (int b = 0; b < n; b++) {
      int gu = users[b] * dim;
      for (int c = 0; c < dim; c++) gradUsers[gu + c] += gradRows[b * dim + c];
    }
    for (int s = 0; s < m; s++) {
      int gi = negatives[s] * dim;
      for (int c = 0; c < dim; c++) gradItems[gi + c] += gradPool[s * dim + c];
    }
    return loss;
  }

  /**
   * Row {@code b} of the logits ({@code z_s} in {@code logits}, {@code z0} the positive's): replaces
   * the negatives' logits by {@code scale * p_s / tau} (0 at {@code masked}), stores
   * {@code scale * (p_0 - 1) / tau} in {@code g0[b]} and returns the row's loss. One exponential per
   * logit, by the vector kernels ({@link Kernels#expShiftSum}).
   */
  private double softmaxRow(int b, int m, double z0, int masked, float scale, float invTau, float[] g0) {
    Kernels k = VectorOps.kernels();
    int zo = b * m;
    if (masked >= 0) logits[zo + masked] = Float.NEGATIVE_INFINITY;
    float max = Math.max((float) z0, k.max(logits, zo, m));
    double e0 = Math.exp(z0 - max);
    double sum = e0 + k.expShiftSum(logits, zo, m, -max);
    k.scale(logits, zo, m, (float) (scale * invTau / sum));
    g0[b] = (float) (scale * (e0 / sum - 1) * invTau);
    return max + Math.log(sum) - z0;
  }

  private static double dot(float[] a, int ao, float[] b, int bo, int dim) {
    double x = 0;
    for (int c = 0; c < dim; c++) x += (double) a[ao + c] * b[bo + c];
    return x;
  }

  /** {@code where[negatives[s]] = s}, -1 for ids not in the pool (ids are distinct). */
  private int[] poolPosition(int[] negatives, int m) {
    int top = 0;
    for (int s = 0; s < m; s++) top = Math.max(top, negatives[s] + 1);
    if (where.length < top) where = new int[top];
    Arrays.fill(where, 0, top, -1);
    for (int s = 0; s < m; s++) {
      if (where[negatives[s]] >= 0) throw new IllegalArgumentException("negative " + negatives[s] + " is in the pool twice");
      where[negatives[s]] = s;
    }
    return where;
  }

  private float[] rowScratch(int n) {
    if (g0.length < n) g0 = new float[n];
    return g0;
  }

  private double[] rowLoss(int n) {
    if (rowLoss.length < n) rowLoss = new double[n];
    return rowLoss;
  }

  private void ensure(int n, int m) {
    if (rowsU.length < n * dim) {
      rowsU = new float[n * dim];
      gradRows = new float[n * dim];
    }
    if (pool.length < m * dim) {
      pool = new float[m * dim];
      gradPool = new float[m * dim];
    }
    if (logits.length < (long) n * m) logits = new float[Math.multiplyExact(n, m)];
  }
}
