package dev.kindred.train.graph;

import dev.kindred.math.CsrMatrix;
import dev.kindred.math.SparseKernels;
import dev.kindred.math.WorkerPool;

/**
 * LightGCN's linear map from layer-0 embeddings to final ones,
 * {@code F = 1/(K+1) sum_{l=0..K} A^l E} with the symmetric bipartite adjacency
 * {@code A = [[0, R~], [R~^T, 0]]} (users then items; {@code R~} the normalised user-item matrix).
 *
 * <p>It is evaluated in Horner form, {@code S_0 = E}, {@code S_t = E + A S_{t-1}},
 * {@code F = S_K / (K+1)}: one fused {@link SparseKernels#spmmAccumulate} per side and step
 * ({@code y = beta * y + alpha * A x} with {@code y} preloaded with {@code E}, the mean's
 * {@code 1/(K+1)} riding on the last step), so no pass sums the layers and no layer is kept. Since
 * {@code A} is symmetric, the backward pass is the same map applied to {@code dL/dF}; in it
 * {@code R~} (applied to item rows) and {@code R~^T} (applied to user rows) swap roles relative to
 * the forward data flow, and both directions reuse the two stored matrices.
 *
 * <p>Cost per step: two SpMMs over {@code nnz} entries ({@code 4 nnz k} flops) and a copy of the
 * base. Memory: two scratch copies of the embeddings. Not thread-safe (it owns its scratch); the
 * pool parallelises each SpMM over row blocks, which does not change any result (each output row
 * is summed by one thread, in a fixed order).
 */
final class LayerMeanPropagation {

  private final CsrMatrix userItem;
  private final CsrMatrix itemUser;
  private final int k;
  private final int layers;
  private final float[][] scratchU = new float[2][];
  private final float[][] scratchI = new float[2][];

  LayerMeanPropagation(BipartiteGraph graph, int k, int layers) {
    this.userItem = graph.userItem();
    this.itemUser = graph.itemUser();
    this.k = k;
    this.layers = layers;
    for (int s = 0; s < 2; s++) {
      scratchU[s] = new float[userItem.rows() * k];
      scratchI[s] = new float[itemUser.rows() * k];
    }
  }

  CsrMatrix userItem() {
    return userItem;
  }

  CsrMatrix itemUser() {
    return itemUser;
  }

  int layers() {
    return layers;
  }

  /** {@code 1 / (K + 1)}. */
  float meanWeight() {
    return 1f / (layers + 1);
  }

  /** {@code (outU, outI) = 1/(K+1) sum_l A^l (inU, inI)}; the outputs must not alias the inputs. */
  void apply(float[] inU, float[] inI, float[] outU, float[] outI, WorkerPool pool) {
    if (layers == 0) {
      System.arraycopy(inU, 0, outU, 0, outU.length);
      System.arraycopy(inI, 0, outI, 0, outI.length);
      return;
    }
    steps(inU, inI, inU, inI, layers, true, outU, outI, pool);
  }

  /**
   * {@code steps} Horner steps {@code S_t = base + A S_{t-1}} from {@code S_0 = (xU, xI)}; with
   * {@code last} the final step is scaled by {@code 1/(K+1)} and written to {@code (outU, outI)},
   * else the result stays in scratch. Returns the arrays holding the result ({@code x} itself when
   * {@code steps == 0}). {@code x} must not be the scratch array the first step writes (scratch 1).
   */
  float[][] steps(float[] baseU, float[] baseI, float[] xU, float[] xI, int steps, boolean last, float[] outU,
      float[] outI, WorkerPool pool) {
    float c = meanWeight();
    for (int t = 1; t <= steps; t++) {
      boolean end = last && t == steps;
      float[] yU = end ? outU : scratchU[t & 1];
      float[] yI = end ? outI : scratchI[t & 1];
      float scale = end ? c : 1f;
      System.arraycopy(baseU, 0, yU, 0, yU.length);
      System.arraycopy(baseI, 0, yI, 0, yI.length);
      SparseKernels.spmmAccumulate(userItem, xI, k, scale, scale, yU, pool);
      SparseKernels.spmmAccumulate(itemUser, xU, k, scale, scale, yI, pool);
      xU = yU;
      xI = yI;
    }
    return new float[][] {xU, xI};
  }

  /** Scratch array 0, for a caller's step that must not collide with {@link #steps}' first target. */
  float[] freeScratchU() {
    return scratchU[0];
  }

  float[] freeScratchI() {
    return scratchI[0];
  }

  /**
   * The fold-in basis {@code b_i = d_i^-1/2 / (K+1) * sum_{l<K} e_i^(l)} of
   * {@link dev.kindred.core.FoldInRule.Propagation}, from layer-0 embeddings, layer by layer. An
   * item without interactions gets a zero row.
   */
  float[] itemBasis(float[] e0U, float[] e0I, int[] itemDegree, WorkerPool pool) {
    float[] sum = new float[e0I.length];
    float[] curU = e0U.clone();
    float[] curI = e0I.clone();
    float[] nextU = new float[curU.length];
    float[] nextI = new float[curI.length];
    for (int l = 0; l < layers; l++) {
      for (int j = 0; j < sum.length; j++) sum[j] += curI[j];
      SparseKernels.spmm(userItem, curI, k, nextU, pool);
      SparseKernels.spmm(itemUser, curU, k, nextI, pool);
      float[] t = curU;
      curU = nextU;
      nextU = t;
      t = curI;
      curI = nextI;
      nextI = t;
    }
    for (int i = 0; i < itemDegree.length; i++) {
      float w = itemDegree[i] == 0 ? 0f : (float) (1 / (Math.sqrt(itemDegree[i]) * (layers + 1)));
      for (int d = 0; d < k; d++) sum[i * k + d] *= w;
    }
    return sum;
  }
}
