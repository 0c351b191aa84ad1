package dev.kindred.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranking and beyond-accuracy metrics of one model, user by user, from
 * {@link Evaluator#perUserMetrics}: what a confidence interval over users needs.
 *
 * <ol>
 *   <li>{@code users} are the evaluated user indices, strictly increasing; {@code lists[j]} is the
 *       top {@code maxK} list of {@code users[j]}, best first.
 *   <li>{@code perUser.get(key)[j]} is user {@code users[j]}'s value of a per-user metric
 *       ({@code precision@K, recall@K, f1@K, ndcg@K, map@K, hr@K, mrr@K, novelty@K,
 *       avg_popularity@K, long_tail_share@K}, {@code ild@K} when the model has item vectors, and
 *       {@code auc} when asked); NaN where undefined for that user (AUC with every candidate
 *       relevant, ILD of a list shorter than 2), left out of means.
 *   <li>{@link #listMetricKeys()} ({@code coverage@K}, {@code gini@K}) are properties of all the
 *       lists together, computed by {@link #listMetric}.
 * </ol>
 *
 * @param users evaluated users, increasing
 * @param perUser per-user metric values, aligned with {@code users}, in output order
 * @param lists each user's top-maxK list
 * @param cutoffs the cutoffs K, increasing
 * @param numItems the catalog size (coverage and Gini denominators)
 */
public record UserMetrics(int[] users, Map<String, double[]> perUser, int[][] lists, int[] cutoffs, int numItems) {

  public UserMetrics {
    for (Map.Entry<String, double[]> e : perUser.entrySet()) {
      if (e.getValue().length != users.length) {
        throw new IllegalArgumentException(e.getKey() + " has " + e.getValue().length + " values for "
            + users.length + " users");
      }
    }
    if (lists.length != users.length) {
      throw new IllegalArgumentException(lists.length + " lists for " + users.length + " users");
    }
    perUser = new LinkedHashMap<>(perUser);
  }

  /** {@code coverage@K, gini@K} for each K. */
  public List<String> listMetricKeys() {
    return Arrays.stream(cutoffs).boxed()
        .flatMap(k -> java.util.stream.Stream.of("coverage@" + k, "gini@" + k)).toList();
  }

  /**
   * A list-level metric over the users drawn {@code times[j]} times each ({@code times} null:
   * every user once).
   *
   * @param key {@code coverage@K} or {@code gini@K}
   */
  public double listMetric(String key, int[] times) {
    int at = key.indexOf('@');
    String name = at < 0 ? key : key.substring(0, at);
    if (at < 0 || !(name.equals("coverage") || name.equals("gini"))) {
      throw new IllegalArgumentException("not a list metric: " + key + " (expected coverage@K or gini@K)");
    }
    Exposure e = new Exposure(numItems, Integer.parseInt(key.substring(at + 1)));
    for (int j = 0; j < lists.length; j++) {
      e.add(lists[j], times == null ? 1 : times[j]);
    }
    return name.equals("coverage") ? e.coverage() : e.gini();
  }

  /** Every metric averaged over users (NaNs left out), then the list metrics, then {@code users_evaluated}. */
  public Map<String, Double> means() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : perUser.entrySet()) out.put(e.getKey(), mean(e.getValue()));
    for (String key : listMetricKeys()) out.put(key, listMetric(key, null));
    out.put("users_evaluated", (double) users.length);
    return out;
  }

  /** Mean of the non-NaN values; NaN when there are none. */
  static double mean(double[] v) {
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        s += x;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
