package dev.kindred.train.graph;

import dev.kindred.math.CsrMatrix;
import dev.kindred.math.SparseKernels;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.nn.BprLoss;
import dev.kindred.train.nn.L2Penalty;
import dev.kindred.train.nn.SharedNegativeSoftmax;
import java.util.Arrays;

/**
 * LightGCN's batch loss and its exact gradient with respect to the layer-0 embeddings:
 * {@code L = mean_b softplus(-(f_u . f_i - f_u . f_j)) + lambda/2 (|e_u|^2 + |e_i|^2 + |e_j|^2) / B}
 * with {@code F = M E}, {@code M = 1/(K+1) sum_l A^l} ({@link LayerMeanPropagation}), so
 * {@code dL/dE = M^T dL/dF + lambda E_batch / B = M dL/dF + ...} ({@code M} is symmetric). With a
 * {@link SharedNegativeSoftmax} the BPR term is replaced by the sampled softmax of each
 * {@code (u, i)} against a pool of the batch's first {@code m} distinct negatives {@code j}, and the
 * L2 term covers the batch's users, positives and the pool.
 *
 * <p>The schedule uses that the loss reads {@code F} only at the batch's rows and that
 * {@code dL/dF} is zero outside them:
 * <ol>
 *   <li>Forward: {@code K - 1} full Horner steps, then the last step only for the batch's distinct
 *       users and items, through the rows of {@code R~} / {@code R~^T} they select (a sub-matrix of
 *       about {@code sum of their degrees} entries instead of {@code nnz}).
 *   <li>Backward: the first step {@code S_1 = G + A G} pushes the batch's gradient rows through the
 *       transposes of those same sub-matrices (cost: the batch's degrees again), then
 *       {@code K - 1} full steps.
 * </ol>
 * So a step costs {@code 4 (K - 1)} full SpMMs instead of {@code 4 K}, plus two sub-matrix
 * extractions and transposes of {@code O(batch degrees + users + items)}. When the batch's rows
 * hold most of the graph (large batches), the full map runs instead (see the constructor). The result is the exact
 * gradient (tested against finite differences); only the floating-point summation order of the
 * sparse steps differs from the full map.
 *
 * <p>Not thread-safe: it owns scratch (slot maps, gradient rows). Deterministic for any pool size.
 */
final class LightGcnObjective {

  /** Default of {@code restrictBelow}; see docs/benchmarks.md ("LightGCN") for the measurement. */
  static final double RESTRICT_BELOW = 0.5;

  private final LayerMeanPropagation propagation;
  private final int k;
  private final float regularization;
  private final double restrictBelow;
  private final int[] userSlot; // -1 outside the current batch
  private final int[] itemSlot;
  private final float[] baseU; // zero outside the batch's rows: the Horner base of the backward pass
  private final float[] baseI;
  private final SharedNegativeSoftmax softmax; // null: BPR
  private final int poolSize;
  private final boolean[] pooled; // items in the current batch's negative pool

  /**
   * @param restrictBelow the restricted steps run while the batch's rows hold fewer than this
   *     fraction of the graph's entries (both sides); above it a full step is cheaper than
   *     extracting and transposing a sub-matrix nearly as large as the graph
   * @param softmax the sampled-softmax loss, or null for BPR
   * @param poolSize negatives shared by a batch under {@code softmax} (ignored for BPR)
   */
  LightGcnObjective(LayerMeanPropagation propagation, int k, float regularization, double restrictBelow) {
    this(propagation, k, regularization, restrictBelow, null, 0);
  }

  /** As the BPR constructor, with the batch loss {@code softmax} over pools of {@code poolSize} negatives. */
  LightGcnObjective(LayerMeanPropagation propagation, int k, float regularization, double restrictBelow,
      SharedNegativeSoftmax softmax, int poolSize) {
    if (softmax != null && poolSize < 1) throw new IllegalArgumentException("poolSize must be >= 1, got " + poolSize);
    this.softmax = softmax;
    this.poolSize = poolSize;
    this.propagation = propagation;
    this.restrictBelow = restrictBelow;
    this.k = k;
    this.regularization = regularization;
    int users = propagation.userItem().rows();
    int items = propagation.itemUser().rows();
    userSlot = new int[users];
    itemSlot = new int[items];
    Arrays.fill(userSlot, -1);
    Arrays.fill(itemSlot, -1);
    baseU = new float[users * k];
    baseI = new float[items * k];
    pooled = new boolean[softmax == null ? 0 : items];
  }

  /**
   * The loss of triples {@code [from, to)} at layer-0 embeddings {@code (e0U, e0I)}; its gradient is
   * written to {@code (dU, dI)} (overwritten, full size). Triples with a negative {@code -1} are
   * skipped but still count in the mean's denominator.
   */
  double evaluate(float[] e0U, float[] e0I, int[] us, int[] is, int[] js, int from, int to, float[] dU, float[] dI,
      WorkerPool pool) {
    int n = to - from;
    float inv = 1f / n;
    // Distinct batch rows and each triple's slots.
    int[] bu = new int[n];
    int[] bi = new int[2 * n];
    int[] su = new int[n];
    int[] si = new int[n];
    int[] sj = new int[n];
    int[] poolItems = new int[softmax == null ? 0 : Math.min(n, poolSize)];
    int[] poolSlots = new int[poolItems.length];
    int m = 0;
    int nu = 0;
    int ni = 0;
    for (int b = 0; b < n; b++) {
      int u = us[from + b];
      if (userSlot[u] < 0) {
        userSlot[u] = nu;
        bu[nu++] = u;
      }
      su[b] = userSlot[u];
      int i = is[from + b];
      if (itemSlot[i] < 0) {
        itemSlot[i] = ni;
        bi[ni++] = i;
      }
      si[b] = itemSlot[i];
      int j = js[from + b];
      if (softmax != null) {
        if (j < 0 || m == poolItems.length || pooled[j]) continue;
        pooled[j] = true;
        poolItems[m++] = j;
      }
      if (j >= 0 && itemSlot[j] < 0) {
        itemSlot[j] = ni;
        bi[ni++] = j;
      }
      sj[b] = j < 0 ? -1 : itemSlot[j];
    }
    try {
      int layers = propagation.layers();
      float c = propagation.meanWeight();
      long held = entries(propagation.userItem(), bu, nu) + entries(propagation.itemUser(), bi, ni);
      boolean restrict = layers > 0 && held < restrictBelow * 2.0 * propagation.userItem().nnz();
      CsrMatrix subU = restrict ? rows(propagation.userItem(), bu, nu) : null; // nu x items
      CsrMatrix subI = restrict ? rows(propagation.itemUser(), bi, ni) : null; // ni x users
      float[] fU;
      float[] fI;
      if (restrict) {
        fU = gather(e0U, bu, nu);
        fI = gather(e0I, bi, ni);
        float[][] s = propagation.steps(e0U, e0I, e0U, e0I, layers - 1, false, null, null, pool);
        SparseKernels.spmmAccumulate(subU, s[1], k, c, c, fU, pool);
        SparseKernels.spmmAccumulate(subI, s[0], k, c, c, fI, pool);
      } else {
        propagation.apply(e0U, e0I, dU, dI, pool); // dU, dI hold F until the backward pass overwrites them
        fU = gather(dU, bu, nu);
        fI = gather(dI, bi, ni);
      }
      float[] gU = new float[nu * k];
      float[] gI = new float[ni * k];
      if (softmax != null) {
        for (int s = 0; s < m; s++) poolSlots[s] = itemSlot[poolItems[s]];
      }
      double data = softmax == null ? BprLoss.accumulate(fU, fI, k, su, si, sj, 0, n, inv, gU, gI)
          : m == 0 ? 0 : softmax.accumulate(fU, fI, su, si, n, poolSlots, m, inv, gU, gI);
      scatter(gU, bu, nu, baseU);
      scatter(gI, bi, ni, baseI);
      if (!restrict) {
        propagation.apply(baseU, baseI, dU, dI, pool);
      } else {
        float scale = layers == 1 ? c : 1f;
        float[] s1U = layers == 1 ? dU : propagation.freeScratchU();
        float[] s1I = layers == 1 ? dI : propagation.freeScratchI();
        System.arraycopy(baseU, 0, s1U, 0, s1U.length);
        System.arraycopy(baseI, 0, s1I, 0, s1I.length);
        // (A G)_users = R~ G_items: G_items lives on the batch items' rows of R~^T, so push it through
        // their transpose; likewise for the items.
        SparseKernels.spmmAccumulate(subI.transpose(), gI, k, scale, scale, s1U, pool);
        SparseKernels.spmmAccumulate(subU.transpose(), gU, k, scale, scale, s1I, pool);
        if (layers > 1) propagation.steps(baseU, baseI, s1U, s1I, layers - 1, true, dU, dI, pool);
      }
      float coef = regularization * inv;
      double reg = L2Penalty.accumulate(e0U, k, us, from, to, coef, dU)
          + L2Penalty.accumulate(e0I, k, is, from, to, coef, dI)
          + (softmax == null ? L2Penalty.accumulate(e0I, k, js, from, to, coef, dI)
              : L2Penalty.accumulate(e0I, k, poolItems, 0, m, coef, dI));
      return data * inv + reg;
    } finally {
      for (int s = 0; s < m; s++) pooled[poolItems[s]] = false;
      for (int s = 0; s < nu; s++) {
        Arrays.fill(baseU, bu[s] * k, bu[s] * k + k, 0f);
        userSlot[bu[s]] = -1;
      }
      for (int s = 0; s < ni; s++) {
        Arrays.fill(baseI, bi[s] * k, bi[s] * k + k, 0f);
        itemSlot[bi[s]] = -1;
      }
    }
  }

  /** Stored entries in the rows {@code rows[0 .. n)} of {@code a}. */
  private static long entries(CsrMatrix a, int[] rows, int n) {
    long e = 0;
    for (int s = 0; s < n; s++) e += a.rowNnz(rows[s]);
    return e;
  }

  /** The rows {@code rows[0 .. n)} of {@code a}, in that order, as an {@code n x a.cols()} matrix. */
  private static CsrMatrix rows(CsrMatrix a, int[] rows, int n) {
    int[] ptr = a.rowPtr();
    int[] sPtr = new int[n + 1];
    for (int s = 0; s < n; s++) sPtr[s + 1] = sPtr[s] + ptr[rows[s] + 1] - ptr[rows[s]];
    int[] idx = new int[sPtr[n]];
    float[] val = new float[sPtr[n]];
    for (int s = 0; s < n; s++) {
      int r = rows[s];
      System.arraycopy(a.colIdx(), ptr[r], idx, sPtr[s], ptr[r + 1] - ptr[r]);
      System.arraycopy(a.values(), ptr[r], val, sPtr[s], ptr[r + 1] - ptr[r]);
    }
    return new CsrMatrix(n, a.cols(), sPtr, idx, val);
  }

  private float[] gather(float[] table, int[] rows, int n) {
    float[] out = new float[n * k];
    for (int s = 0; s < n; s++) System.arraycopy(table, rows[s] * k, out, s * k, k);
    return out;
  }

  private void scatter(float[] compact, int[] rows, int n, float[] table) {
    for (int s = 0; s < n; s++) System.arraycopy(compact, s * k, table, rows[s] * k, k);
  }
}
