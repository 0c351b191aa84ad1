package dev.kindred.eval.report;

import dev.kindred.core.Interactions;
import dev.kindred.core.Recommender;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.eval.UserMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers behind a report's plots, computed with the evaluator's own paths (no second copy of
 * a metric): metrics at every cutoff K = 1..maxK, and a per-user metric broken down by how active
 * the users were in training. Stateless.
 */
public final class ReportFigures {

  /** Metrics plotted against K, in legend order. */
  public static final List<String> AT_K = List.of("precision", "recall", "ndcg", "hr");

  /**
   * A per-user metric by user-activity bucket.
   *
   * @param labels each bucket's range of training interactions, e.g. {@code "5-12"}
   * @param means the metric's mean over the bucket's users (NaN values left out)
   * @param users users per bucket
   */
  public record ActivityBreakdown(List<String> labels, double[] means, int[] users) {}

  private ReportFigures() {}

  /**
   * {@link #AT_K} at every K in {@code 1..min(maxK, catalog)}, by {@link Evaluator#rankingMetrics}
   * (one list of length maxK per user, prefixes for smaller K).
   *
   * @return metric name -> value at K = index + 1
   */
  public static Map<String, double[]> metricsAtK(Recommender rec, Interactions train, Interactions test, int maxK,
      EvalOptions opts) {
    int top = Math.max(1, Math.min(maxK, train.numItems()));
    int[] ks = new int[top];
    for (int k = 0; k < top; k++) ks[k] = k + 1;
    Map<String, Double> all = Evaluator.rankingMetrics(rec, train, test, ks, opts);
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String m : AT_K) {
      double[] v = new double[top];
      for (int k = 0; k < top; k++) v[k] = all.get(m + "@" + (k + 1));
      out.put(m, v);
    }
    return out;
  }

  /**
   * {@code key}'s per-user mean in up to {@code buckets} groups of users by their number of
   * training interactions, split at quantiles of that number (users with equal counts stay
   * together, so there may be fewer buckets).
   */
  public static ActivityBreakdown byActivity(UserMetrics metrics, Interactions train, String key, int buckets) {
    double[] values = metrics.perUser().get(key);
    if (values == null) throw new IllegalArgumentException("no per-user metric " + key + " in " + metrics.perUser().keySet());
    if (buckets < 1) throw new IllegalArgumentException("buckets must be >= 1, got " + buckets);
    int[] users = metrics.users();
    int[] degree = new int[users.length];
    for (int j = 0; j < users.length; j++) degree[j] = train.userDegree(users[j]);
    int[] sorted = degree.clone();
    Arrays.sort(sorted);
    List<Integer> upper = new ArrayList<>(); // inclusive upper bound of each bucket
    for (int b = 1; b <= buckets; b++) {
      int bound = sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) ((long) b * sorted.length / buckets) - 1)];
      if (upper.isEmpty() || bound > upper.get(upper.size() - 1)) upper.add(bound);
    }
    int n = upper.size();
    double[] sum = new double[n];
    int[] count = new int[n];
    int[] members = new int[n];
    for (int j = 0; j < users.length; j++) {
      int b = 0;
      while (degree[j] > upper.get(b)) b++;
      members[b]++;
      if (!Double.isNaN(values[j])) {
        sum[b] += values[j];
        count[b]++;
      }
    }
    List<String> labels = new ArrayList<>();
    double[] means = new double[n];
    int lo = sorted.length == 0 ? 0 : sorted[0];
    for (int b = 0; b < n; b++) {
      labels.add(lo == upper.get(b) ? Integer.toString(lo) : lo + "-" + upper.get(b));
      lo = upper.get(b) + 1;
      means[b] = count[b] == 0 ? Double.NaN : sum[b] / count[b];
    }
    return new ActivityBreakdown(labels, means, members);
  }
}
