package dev.kindred.train.hybrid;

import dev.kindred.math.CsrMatrix;

/**
 * The features of one side (users or items) as the trainer sees them: each entity's row of
 * (feature, weight) pairs over the embedding table's rows. Layout:
 * <ol>
 *   <li>with identity features, feature {@code e} is entity {@code e}'s own indicator and side
 *       feature {@code f} is row {@code entities + f}; without them side feature {@code f} is row
 *       {@code f};
 *   <li>a row with an identity feature and at least one side feature is scaled to sum 1 (the
 *       identity weight 1 plus the side weights, which kindred-data's {@code FeatureSpace} already
 *       scales to sum 1: identity and side features get equal mass); other rows are kept as given;
 *   <li>{@code unit[e]} is the one feature of a row that is exactly one feature of weight 1 (the
 *       usual case without side features), else -1: such an entity's vector is that embedding row,
 *       read in place.
 * </ol>
 * Immutable after construction.
 */
final class FeatureRows {

  final int entities;
  final int features;
  final int[] ptr;
  final int[] idx;
  final float[] weight;
  final int[] unit;

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
  static FeatureRows of(int entities, CsrMatrix side, boolean identity) {
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
      float sum = 0;
      if (identity) {
        idx[p] = e;
        w[p++] = 1f;
        sum = 1f;
      }
      if (side != null) {
        for (int q = side.rowPtr()[e]; q < side.rowPtr()[e + 1]; q++) {
          idx[p] = base + side.colIdx()[q];
          w[p] = side.values()[q];
          sum += w[p++];
        }
      }
      if (identity && p - ptr[e] > 1 && sum > 0) {
        for (int q = ptr[e]; q < p; q++) w[q] /= sum;
      }
    }
    return new FeatureRows(entities, base + sideCols, ptr, idx, w);
  }
}
