package dev.kindred.core;

import java.io.IOException;
import java.util.Objects;

/**
 * A model that scores an item by the items a user already has:
 * {@code score(u, j) = sum_{i in history(u)} w_ui * S[i][j]}, where {@code S[i][j]} is the weight
 * with which having item {@code i} recommends item {@code j}, and {@code w_ui} is the user's stored
 * value for {@code i}, or 1 for every item when the model is {@link #binary()} (the usual case:
 * implicit data, EASE). Item-based kNN keeps a few neighbours per item ({@link Layout#SPARSE});
 * EASE keeps the whole learned matrix {@code B} ({@link Layout#DENSE}). The training histories are
 * kept, so {@code recommend(user)} needs nothing else and fold-in is the same sum over a given
 * history. Immutable (arrays must not be modified after construction); thread-safe.
 *
 * <p>Layout invariants, {@code n} = number of items (checked in the constructor):
 * <ol>
 *   <li>{@code histories} has {@code userIndex.size()} users and {@code n = itemIndex.size()} items
 *       and uses the model's two {@link IdIndex}es.
 *   <li>Sparse: {@code neighbourPtr} has {@code n + 1} entries, non-decreasing from 0 to
 *       {@code nnz}; the neighbours of item {@code i} are {@code neighbourIdx[neighbourPtr[i] ..
 *       neighbourPtr[i+1])}, strictly increasing, in {@code [0, n)} and never {@code i} itself,
 *       with weights {@code neighbourWeights} parallel to them ({@code S[i][j]}; absent pairs are 0).
 *   <li>Dense: {@code weights} has {@code n * n} entries, row-major, {@code weights[i * n + j] =
 *       S[i][j]}; the diagonal is 0 (an item never recommends itself), so {@code n <= 46,340}.
 *   <li>Every weight is finite.
 * </ol>
 * Row {@code i} of {@code S} is what item {@code i} contributes, so scoring a user adds up
 * contiguous rows (a scatter per neighbour list, or an axpy per dense row).
 */
public final class ItemItemModel implements Model {

  public static final String KIND = "item-item";
  /** The largest catalog whose dense matrix fits in one Java array. */
  public static final int MAX_DENSE_ITEMS = 46_340;

  /** How {@code S} is stored. */
  public enum Layout {
    /** Per-item neighbour lists (CSR): kNN. */
    SPARSE,
    /** The full {@code n x n} matrix: EASE. */
    DENSE
  }

  private final Provenance provenance;
  private final Interactions histories;
  private final boolean binary;
  private final Layout layout;
  private final int[] neighbourPtr; // sparse only
  private final int[] neighbourIdx;
  private final float[] neighbourWeights;
  private final float[] weights; // dense only

  private ItemItemModel(Provenance provenance, Interactions histories, boolean binary, Layout layout,
      int[] neighbourPtr, int[] neighbourIdx, float[] neighbourWeights, float[] weights) {
    this.provenance = Objects.requireNonNull(provenance, "provenance");
    this.histories = Objects.requireNonNull(histories, "histories");
    this.binary = binary;
    this.layout = layout;
    this.neighbourPtr = neighbourPtr;
    this.neighbourIdx = neighbourIdx;
    this.neighbourWeights = neighbourWeights;
    this.weights = weights;
    checkHistories(histories);
    if (layout == Layout.SPARSE) {
      checkSparse();
    } else {
      checkDense();
    }
  }

  /** A kNN model: neighbour lists in CSR, see the class invariants. Arrays are taken, not copied. */
  public static ItemItemModel sparse(Provenance provenance, Interactions histories, boolean binary,
      int[] neighbourPtr, int[] neighbourIdx, float[] neighbourWeights) {
    Objects.requireNonNull(neighbourPtr, "neighbourPtr");
    Objects.requireNonNull(neighbourIdx, "neighbourIdx");
    Objects.requireNonNull(neighbourWeights, "neighbourWeights");
    return new ItemItemModel(provenance, histories, binary, Layout.SPARSE, neighbourPtr, neighbourIdx,
        neighbourWeights, null);
  }

  /** A dense model (EASE): {@code n x n} row-major weights, zero diagonal. The array is taken, not copied. */
  public static ItemItemModel dense(Provenance provenance, Interactions histories, boolean binary, float[] weights) {
    Objects.requireNonNull(weights, "weights");
    return new ItemItemModel(provenance, histories, binary, Layout.DENSE, null, null, null, weights);
  }

  static void checkHistories(Interactions h) {
    if (h.numUsers() != h.userIndex().size() || h.numItems() != h.itemIndex().size()) {
      throw new IllegalArgumentException("histories are " + h.numUsers() + " x " + h.numItems()
          + " but their id indices have " + h.userIndex().size() + " users and " + h.itemIndex().size() + " items");
    }
  }

  private void checkSparse() {
    int n = histories.numItems();
    if (neighbourPtr.length != n + 1 || neighbourPtr[0] != 0 || neighbourPtr[n] != neighbourIdx.length) {
      throw new IllegalArgumentException("neighbourPtr must have " + (n + 1) + " entries from 0 to "
          + neighbourIdx.length + ", got length " + neighbourPtr.length);
    }
    if (neighbourWeights.length != neighbourIdx.length) {
      throw new IllegalArgumentException("neighbourWeights has " + neighbourWeights.length + " entries, neighbourIdx "
          + neighbourIdx.length);
    }
    for (int i = 0; i < n; i++) {
      if (neighbourPtr[i + 1] < neighbourPtr[i]) {
        throw new IllegalArgumentException("neighbourPtr decreases at item " + i);
      }
    }
    for (int i = 0; i < n; i++) {
      int prev = -1;
      for (int p = neighbourPtr[i]; p < neighbourPtr[i + 1]; p++) {
        int j = neighbourIdx[p];
        if (j <= prev || j >= n || j == i) {
          throw new IllegalArgumentException("item " + i + ": neighbours must be increasing, < " + n
              + " and not the item itself, got " + j + " after " + prev);
        }
        if (!Float.isFinite(neighbourWeights[p])) {
          throw new IllegalArgumentException("item " + i + ": non-finite weight " + neighbourWeights[p] + " for "
              + "neighbour " + j);
        }
        prev = j;
      }
    }
  }

  private void checkDense() {
    int n = histories.numItems();
    if (n > MAX_DENSE_ITEMS || weights.length != n * n) {
      throw new IllegalArgumentException("dense weights must have " + n + " x " + n + " entries (at most "
          + MAX_DENSE_ITEMS + " items), got " + weights.length);
    }
    for (int i = 0; i < n; i++) {
      if (weights[i * n + i] != 0f) {
        throw new IllegalArgumentException("dense weights must have a zero diagonal, item " + i + " has "
            + weights[i * n + i]);
      }
    }
    for (int x = 0; x < weights.length; x++) {
      if (!Float.isFinite(weights[x])) {
        throw new ModelFitException("non-finite weight " + weights[x] + " at (" + x / n + ", " + x % n + ") in "
            + provenance.algorithm() + " model: the fit diverged (raise the regularisation)");
      }
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Provenance provenance() {
    return provenance;
  }

  @Override
  public IdIndex userIndex() {
    return histories.userIndex();
  }

  @Override
  public IdIndex itemIndex() {
    return histories.itemIndex();
  }

  public Layout layout() {
    return layout;
  }

  /** True if every history item weighs 1 whatever its value. */
  public boolean binary() {
    return binary;
  }

  /** The training interactions used as each user's history. Shared. */
  public Interactions histories() {
    return histories;
  }

  /** Sparse only: CSR pointers of the neighbour lists. Shared; do not modify. */
  public int[] neighbourPtr() {
    return neighbourPtr;
  }

  /** Sparse only: neighbour item indices. Shared; do not modify. */
  public int[] neighbourIdx() {
    return neighbourIdx;
  }

  /** Sparse only: neighbour weights. Shared; do not modify. */
  public float[] neighbourWeights() {
    return neighbourWeights;
  }

  /** Dense only: the {@code n x n} row-major weights. Shared; do not modify. */
  public float[] denseWeights() {
    return weights;
  }

  /** {@code w_ui} for a history value: 1 for binary models, else the value. */
  public float historyWeight(float value) {
    return binary ? 1f : value;
  }

  /** {@code S[i][j]}: 0 for a pair that is not stored. */
  public float weight(int i, int j) {
    if (layout == Layout.DENSE) {
      return weights[i * numItems() + j];
    }
    int p = java.util.Arrays.binarySearch(neighbourIdx, neighbourPtr[i], neighbourPtr[i + 1], j);
    return p >= 0 ? neighbourWeights[p] : 0f;
  }

  /** {@code scores[j] += w * S[i][j]} for every item {@code j}. */
  void addRow(int i, float w, float[] scores) {
    if (layout == Layout.DENSE) {
      int n = numItems();
      dev.kindred.math.VectorOps.kernels().axpy(w, weights, i * n, scores, 0, n);
    } else {
      for (int p = neighbourPtr[i], end = neighbourPtr[i + 1]; p < end; p++) {
        scores[neighbourIdx[p]] += w * neighbourWeights[p];
      }
    }
  }

  /** {@code sum over the user's history of w_ui * S[i][item]}. */
  @Override
  public float score(int user, int item) {
    int[] ptr = histories.userPtr();
    int[] idx = histories.itemIdx();
    float[] val = histories.values();
    float s = 0f;
    for (int p = ptr[user]; p < ptr[user + 1]; p++) s += historyWeight(val[p]) * weight(idx[p], item);
    return s;
  }

  /**
   * File codec. Body: user and item id indices, layout (int32: 0 sparse, 1 dense), binary flag
   * (int32), the histories ({@link ModelFile.Output#interactions}); then for sparse the neighbour
   * pointers, indices (int arrays) and weights (float array), for dense the {@code n * n} weights
   * (float array).
   */
  static final class Codec implements ModelCodec<ItemItemModel> {
    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public Class<ItemItemModel> type() {
      return ItemItemModel.class;
    }

    @Override
    public void write(ItemItemModel m, ModelFile.Output out) throws IOException {
      out.index(m.userIndex());
      out.index(m.itemIndex());
      out.i32(m.layout() == Layout.SPARSE ? 0 : 1);
      out.i32(m.binary() ? 1 : 0);
      out.interactions(m.histories());
      if (m.layout() == Layout.SPARSE) {
        out.ints(m.neighbourPtr());
        out.ints(m.neighbourIdx());
        out.floats(m.neighbourWeights());
      } else {
        out.floats(m.denseWeights());
      }
    }

    @Override
    public ItemItemModel read(Provenance p, ModelFile.Input in) {
      IdIndex users = in.index();
      IdIndex items = in.index();
      int layout = in.i32();
      if (layout != 0 && layout != 1) throw in.malformed("unknown item-item layout " + layout);
      boolean binary = in.i32() == 1;
      Interactions histories = in.interactions(users, items);
      // A broken invariant throws IllegalArgumentException, which ModelFile reports as malformed.
      if (layout == 0) {
        int[] ptr = in.ints();
        int[] idx = in.ints();
        float[] w = in.floats();
        return sparse(p, histories, binary, ptr, idx, w);
      }
      return dense(p, histories, binary, in.floats());
    }
  }
}
