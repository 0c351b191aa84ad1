package dev.kindred.train.baseline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of the most-popular baseline ({@link PopularityTrainer}).
 *
 * @param sumValues score an item by the sum of its interaction values (play counts, ratings) instead
 *     of by the number of users who interacted with it
 */
public record PopularityConfig(boolean sumValues) {

  /** Popularity = number of interactions. */
  public static final PopularityConfig DEFAULTS = new PopularityConfig(false);

  public PopularityConfig withSumValues(boolean v) {
    return new PopularityConfig(v);
  }

  /** Every hyperparameter as strings, for provenance. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("sumValues", Boolean.toString(sumValues));
    return m;
  }
}
