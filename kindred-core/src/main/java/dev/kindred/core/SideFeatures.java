package dev.kindred.core;

import dev.kindred.math.CsrMatrix;

/**
 * Side features of users and items for a {@link FeatureTrainer}: row {@code u} of
 * {@link #users()} (row {@code i} of {@link #items()}) holds the feature indices and weights of
 * user {@code u} (item {@code i}) in the interactions' id numbering. Either may be null (no side
 * features on that side). Built from files by kindred-data's {@code FeatureSpace}.
 *
 * @param users users x user features, or null
 * @param items items x item features, or null
 */
public record SideFeatures(CsrMatrix users, CsrMatrix items) {

  /** No side features on either side. */
  public static final SideFeatures NONE = new SideFeatures(null, null);

  /**
   * Checks that each matrix has one row per entity of {@code data}.
   *
   * @throws IllegalArgumentException naming the side whose row count differs
   */
  public void checkRows(Interactions data) {
    checkRows(data.numUsers(), data.numItems());
  }

  /** As {@link #checkRows(Interactions)}, for interactions held elsewhere (a Spark data set). */
  public void checkRows(int numUsers, int numItems) {
    if (users != null && users.rows() != numUsers) {
      throw new IllegalArgumentException("user features have " + users.rows() + " rows, the interactions "
          + numUsers + " users");
    }
    if (items != null && items.rows() != numItems) {
      throw new IllegalArgumentException("item features have " + items.rows() + " rows, the interactions "
          + numItems + " items");
    }
  }
}
