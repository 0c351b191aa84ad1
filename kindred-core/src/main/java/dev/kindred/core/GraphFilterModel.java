package dev.kindred.core;

import dev.kindred.math.CsrMatrix;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.VectorOps;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A graph signal filter over the user-item graph (GF-CF, Shen et al., CIKM 2021,
 * arXiv:2108.07567): a user {@code u} with binary history row {@code r_u} scores every item as
 * <pre>  s_u = r_u R~^T R~  +  alpha * r_u D_I^-1/2 V V^T D_I^1/2</pre>
 * where {@code R~ = D_U^-1/2 R D_I^-1/2} is the degree-normalised interaction matrix (the
 * {@link #normalized()} matrix), {@code D_I} the item degrees, and {@code V} ({@code items x rank})
 * the top right singular vectors of {@code R~}. The first term is the linear low-pass filter, the
 * second the ideal low-pass filter weighted by {@code alpha} ({@link #idealWeight()}).
 *
 * <p>What is stored: the training histories (ids, and each user's {@code r_u}), the values of
 * {@code R~} (parallel to the histories' CSR arrays, so the pattern is shared), and the ideal
 * filter as item factors {@code q_j = sqrt(d_j) v_j} ({@link #idealFactors()}); a user's factor is
 * {@code p_u = alpha * sum_{i in r_u} q_i / d_i}, so the ideal term is {@code p_u . q_j}, a
 * latent-factor score. The transpose {@code R~^T} is derived at construction. The dense
 * {@code items x items} filter is never formed: the linear term is two sparse passes,
 * {@code z = R~ r_u^T} (users reached through the history's items) and {@code z^T R~}.
 *
 * <p>Fold-in is exact and free: a new user is just a row {@code r}; scoring it is the same formula.
 *
 * <p>Layout invariants (checked in the constructor):
 * <ol>
 *   <li>{@code histories} has {@code userIndex.size()} users and {@code itemIndex.size()} items.
 *   <li>{@code normalized} is {@code users x items} with the same row pointers and column indices
 *       as the histories' CSR arrays (values may differ: the histories' are ignored, {@code R} is
 *       binary), all finite.
 *   <li>{@code idealFactors} has one row per item; its dimension is the rank.
 *   <li>{@code idealWeight} is finite and non-negative; every factor is finite.
 * </ol>
 * Memory: about 32 bytes per interaction (the histories with their by-item copy, the values of
 * {@code R~} and its transpose) plus {@code items * rank} floats. Immutable (arrays must not be modified after construction);
 * thread-safe.
 */
public final class GraphFilterModel implements Model {

  public static final String KIND = "graph-filter";

  private final Provenance provenance;
  private final Interactions histories;
  private final CsrMatrix normalized;
  private final CsrMatrix normalizedTranspose;
  private final FactorMatrix idealFactors;
  private final float idealWeight;
  private final float[] inverseItemDegree;

  /** See the class invariants; arrays are taken, not copied. */
  public GraphFilterModel(Provenance provenance, Interactions histories, CsrMatrix normalized,
      FactorMatrix idealFactors, float idealWeight) {
    this.provenance = Objects.requireNonNull(provenance, "provenance");
    this.histories = Objects.requireNonNull(histories, "histories");
    this.normalized = Objects.requireNonNull(normalized, "normalized");
    this.idealFactors = Objects.requireNonNull(idealFactors, "idealFactors");
    this.idealWeight = idealWeight;
    ItemItemModel.checkHistories(histories);
    if (normalized.rows() != histories.numUsers() || normalized.cols() != histories.numItems()
        || !Arrays.equals(normalized.rowPtr(), histories.userPtr())
        || !Arrays.equals(normalized.colIdx(), histories.itemIdx())) {
      throw new IllegalArgumentException("normalized matrix " + normalized + " does not have the pattern of the "
          + histories.numUsers() + " x " + histories.numItems() + " histories (" + histories.size() + " pairs)");
    }
    if (idealFactors.rows() != histories.numItems()) {
      throw new IllegalArgumentException("idealFactors has " + idealFactors.rows() + " rows, expected one per item ("
          + histories.numItems() + ")");
    }
    if (!Float.isFinite(idealWeight) || idealWeight < 0f) {
      throw new IllegalArgumentException("idealWeight must be finite and >= 0, got " + idealWeight);
    }
    if (!idealFactors.allFinite()) {
      throw new ModelFitException("non-finite ideal-filter factors in " + provenance.algorithm()
          + " model: the singular vectors diverged");
    }
    this.normalizedTranspose = normalized.transpose();
    this.inverseItemDegree = new float[histories.numItems()];
    for (int i = 0; i < inverseItemDegree.length; i++) {
      int d = normalizedTranspose.rowNnz(i);
      inverseItemDegree[i] = d == 0 ? 0f : 1f / d;
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

  /** The training interactions: each user's history {@code r_u}. Shared. */
  public Interactions histories() {
    return histories;
  }

  /** {@code R~ = D_U^-1/2 R D_I^-1/2}, users x items. Shared; do not modify. */
  public CsrMatrix normalized() {
    return normalized;
  }

  /** {@code R~^T}, items x users. Shared; do not modify. */
  public CsrMatrix normalizedTranspose() {
    return normalizedTranspose;
  }

  /** {@code q_j = sqrt(d_j) v_j}, items x rank. Shared; do not modify. */
  public FactorMatrix idealFactors() {
    return idealFactors;
  }

  /** Number of singular vectors in the ideal filter. */
  public int rank() {
    return idealFactors.dim();
  }

  /** {@code alpha}, the weight of the ideal low-pass filter. */
  public float idealWeight() {
    return idealWeight;
  }

  /** {@code 1 / d_i} for each item ({@code 0} for an item nobody has). Shared; do not modify. */
  float[] inverseItemDegree() {
    return inverseItemDegree;
  }

  /**
   * {@code p = alpha * sum_j q_{items[j]} / d_{items[j]}} over {@code items[from .. to)} into
   * {@code p[0 .. rank)}: the user factor of the ideal term.
   */
  void userFactor(int[] items, int from, int to, float[] p, int po) {
    int rank = rank();
    Arrays.fill(p, po, po + rank, 0f);
    for (int j = from; j < to; j++) {
      int i = items[j];
      float w = idealWeight * inverseItemDegree[i];
      if (w != 0f) {
        VectorOps.kernels().axpy(w, idealFactors.page(i), idealFactors.offset(i), p, po, rank);
      }
    }
  }

  /**
   * {@code s_u[item]} for a known user. Linear term: {@code sum over users v of z_v R~[v][item]}
   * with {@code z_v = sum_{i in r_u} R~[v][i]}, walked over the users of {@code item} only.
   */
  @Override
  public float score(int user, int item) {
    int[] ptr = normalized.rowPtr();
    int[] idx = normalized.colIdx();
    float[] val = normalized.values();
    int[] tPtr = normalizedTranspose.rowPtr();
    int[] tIdx = normalizedTranspose.colIdx();
    float[] tVal = normalizedTranspose.values();
    int from = ptr[user];
    int to = ptr[user + 1];
    float linear = 0f;
    for (int p = tPtr[item]; p < tPtr[item + 1]; p++) {
      int v = tIdx[p];
      float z = 0f;
      for (int q = ptr[v]; q < ptr[v + 1]; q++) {
        if (Arrays.binarySearch(idx, from, to, idx[q]) >= 0) {
          z += val[q];
        }
      }
      linear += z * tVal[p];
    }
    float[] pu = new float[rank()];
    userFactor(idx, from, to, pu, 0);
    return linear + VectorOps.kernels().dot(pu, 0, idealFactors.page(item),
        idealFactors.offset(item), rank());
  }

  /**
   * File codec. Body: user and item id indices, the histories ({@link ModelFile.Output#interactions}),
   * the values of {@code R~} (float array parallel to the histories' items), the ideal weight
   * (float32) and the ideal factors (factor matrix). {@code R~^T} is rebuilt on read.
   */
  static final class Codec implements ModelCodec<GraphFilterModel> {
    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public Class<GraphFilterModel> type() {
      return GraphFilterModel.class;
    }

    @Override
    public void write(GraphFilterModel m, ModelFile.Output out) throws IOException {
      out.index(m.userIndex());
      out.index(m.itemIndex());
      out.interactions(m.histories());
      out.floats(m.normalized().values());
      out.f32(m.idealWeight());
      out.matrix(m.idealFactors());
    }

    @Override
    public GraphFilterModel read(Provenance p, ModelFile.Input in) {
      IdIndex users = in.index();
      IdIndex items = in.index();
      Interactions histories = in.interactions(users, items);
      float[] values = in.floats();
      float alpha = in.f32();
      FactorMatrix factors = in.matrix();
      // A broken invariant throws IllegalArgumentException, which ModelFile reports as malformed.
      CsrMatrix normalized = new CsrMatrix(histories.numUsers(), histories.numItems(), histories.userPtr(),
          histories.itemIdx(), values);
      return new GraphFilterModel(p, histories, normalized, factors, alpha);
    }
  }
}
