package dev.kindred.train.hybrid;

import dev.kindred.math.CsrMatrix;

/**
 * The features of one side (users or items) as the trainer sees them: each entity's row of
 * (feature, weight) pairs over the embedding table's rows. Layout:
 * <ol>
 *   <li>with identity features, feature {@code e} is entity {@code e}'s own indicator and side
 *       feature {@code f} is row {@code entities + f}; without them side feature {@code f} is row
 *       {@code f};
 *   <li>in a row with an identity feature and {@code n >= 1} side features the identity weighs
 *       as much as the mean side feature, and the row is scaled to sum 1: with equal side weights
 *       (kindred-data's {@code FeatureSpace}) every feature weighs {@code 1 / (n + 1)}, as in LightFM's
 *       {@code Dataset} with identity features; other rows are kept as given;
 *   <li>{@code unit[e]} is the one feature of a row that is exactly one feature of weight 1 (the
 *       usual case without side features), else -1: such an entity's vector is that embedding row,
 *       read in place.
 * </ol>
 * Immutable after construction (the arrays are exposed for the trainers' inner loops; callers must
 * not write them); serializable so that a distributed fit ships it to its executors.
 */
public final class FeatureRows implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  public final int entities;
  public final int features;
  public final int[] ptr;
  public final int[] idx;
  public final float[] weight;
  public final int[] unit;

  private FeatureRows(int entities, int features, int[] ptr, int[] idx, float[] weight) {
    this.entities = entities;
    this.features = features;
    this.ptr = ptr;
    this.idx = idx;
    this.weight = weight;
    unit = new int[entities];
    for (int e = 0; e < entities; e++) {
      unit[e] = ptr[e + 1] - ptr[e] == 1 && weight[ptr[e]] == 1f ? idx[ptr[e]] : -1;
    }
  }

  /**
   * The rows of {@code entities} entities from their side features (null: none) and, when
   * {@code identity}, an indicator feature each.
   */
  public static FeatureRows of(int entities, CsrMatrix side, boolean identity) {
    int sideCols = side == null ? 0 : side.cols();
    int base = identity ? entities : 0;
    int[] ptr = new int[entities + 1];
    for (int e = 0; e < entities; e++) {
      ptr[e + 1] = ptr[e] + (identity ? 1 : 0) + (side == null ? 0 : side.rowNnz(e));
    }
    int[] idx = new int[ptr[entities]];
    float[] w = new float[ptr[entities]];
    for (int e = 0; e < entities; e++) {
      int p = ptr[e];
      int n = side == null ? 0 : side.rowNnz(e);
      float sideSum = 0;
      if (identity) {
        idx[p] = e;
        w[p++] = 1f;
      }
      if (side != null) {
        for (int q = side.rowPtr()[e]; q < side.rowPtr()[e + 1]; q++) {
          idx[p] = base + side.colIdx()[q];
          w[p] = side.values()[q];
          sideSum += w[p++];
        }
      }
      if (identity && n > 0 && sideSum > 0) {
        float idWeight = sideSum / n;
        float total = sideSum + idWeight;
        w[ptr[e]] = idWeight / total;
        for (int q = ptr[e] + 1; q < p; q++) w[q] /= total;
      }
    }
    return new FeatureRows(entities, base + sideCols, ptr, idx, w);
  }
}
