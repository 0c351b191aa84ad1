package dev.kindred.train;

import dev.kindred.core.Interactions;

/**
 * What a hyper-parameter rule may read of the training data: how many users and items have an
 * interaction, how many interactions there are and their mean value. Configs whose flags take
 * {@code auto} resolve those values from this when training starts (e.g.
 * {@link dev.kindred.train.als.ImplicitAlsConfig#resolve}).
 *
 * @param users users with at least one interaction, at least 1
 * @param items items with at least one interaction, at least 1
 * @param interactions stored interactions, at least 1
 * @param meanValue mean stored value (1 for plain events), finite and positive
 */
public record DataShape(long users, long items, long interactions, double meanValue) {

  public DataShape {
    if (users < 1 || items < 1 || interactions < 1) {
      throw new IllegalArgumentException("a data shape needs users, items and interactions >= 1, got " + users + ", "
          + items + ", " + interactions);
    }
    if (!(meanValue > 0 && Double.isFinite(meanValue))) {
      throw new IllegalArgumentException("mean value must be finite and > 0, got " + meanValue);
    }
  }

  /** The shape of {@code data}: active users and items, stored interactions and their mean value. */
  public static DataShape of(Interactions data) {
    double sum = 0;
    for (float v : data.values()) sum += v;
    return of(data.activeUsers(), data.activeItems(), data.size(), sum);
  }

  /**
   * The shape from counts and the sum of the values; empty counts become 1 and a mean that is not
   * positive (all values 0) becomes 1, so that a rule always has a shape to read.
   */
  public static DataShape of(long users, long items, long interactions, double valueSum) {
    double mean = interactions > 0 ? valueSum / interactions : 1;
    return new DataShape(Math.max(1, users), Math.max(1, items), Math.max(1, interactions),
        mean > 0 && Double.isFinite(mean) ? mean : 1);
  }

  /** Pairs per interaction: {@code users * items / interactions}, the inverse of the density. */
  public double sparsity() {
    return (double) users * items / interactions;
  }

  /** Mean interactions per active user. */
  public double perUser() {
    return (double) interactions / users;
  }

  /** Mean interactions per active item. */
  public double perItem() {
    return (double) interactions / items;
  }
}
