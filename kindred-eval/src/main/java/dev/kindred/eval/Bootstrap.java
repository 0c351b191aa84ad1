package dev.kindred.eval;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The nonparametric bootstrap over users: percentile confidence intervals of a statistic of the
 * evaluated users, and a paired test of two models' difference. Efron and Tibshirani,
 * "An Introduction to the Bootstrap", Chapman and Hall 1993 (ch. 13, percentile interval; ch. 16,
 * bootstrap hypothesis test), doi:10.1201/9780429246593.
 *
 * <p>Symbols: the sample is the {@code n} evaluated users; a resample draws {@code n} users with
 * replacement, written as {@code times[u]}, how often user u was drawn; a statistic
 * {@code theta(times)} ({@link Statistic}) is the metric over that multiset (a weighted mean for a
 * per-user metric, the coverage or Gini of the drawn users' lists for a list metric);
 * {@code B = resamples}.
 * <ul>
 *   <li>Interval ({@link #percentile}): the {@code (1 - c)/2} and {@code (1 + c)/2} quantiles of
 *       the B replicates, a quantile q being the order statistic {@code ceil(q B)} (inverse of the
 *       empirical CDF).
 *   <li>Paired test ({@link #paired}): every statistic is computed on the same resamples, so
 *       {@code d_b = theta_A(b) - theta_base(b)} keeps the pairing of users. The interval of the
 *       difference is its percentile interval; the two-sided p-value tests {@code E[d] = 0} by
 *       centring the replicates on the null (Efron and Tibshirani, algorithm 16.2):
 *       {@code p = (1 + #{b : |d_b - D| >= |D|}) / (B + 1)} with D the observed difference.
 *       Identical models give {@code p = 1}; the smallest possible p is {@code 1 / (B + 1)}.
 * </ul>
 * Reproducibility: resample b draws from the b-th {@link SplittableRandom#split()} of
 * {@code new SplittableRandom(seed)}, so the intervals depend on the seed, B and n only.
 * Cost: {@code O(B (n + sum of the statistics' costs))} time, {@code O(B * statistics)} memory.
 * Stateless and thread-safe.
 */
public final class Bootstrap {

  /** A metric over a multiset of users, {@code times[u]} copies of user u (all ones: the sample itself). */
  @FunctionalInterface
  public interface Statistic {
    double of(int[] times);
  }

  /**
   * An estimate with its interval.
   *
   * @param estimate the statistic on the sample
   * @param lo lower end of the percentile interval
   * @param hi upper end
   */
  public record Interval(double estimate, double lo, double hi) {}

  /**
   * A model against the baseline.
   *
   * @param difference model minus baseline on the sample
   * @param lo lower end of the difference's percentile interval
   * @param hi upper end
   * @param pValue two-sided bootstrap p-value of "no difference"
   */
  public record Paired(double difference, double lo, double hi, double pValue) {}

  private Bootstrap() {}

  /**
   * The statistic of each resample: {@code out[s][b]} is statistic s on resample b. All statistics
   * see the same resamples (what makes {@link #paired} paired).
   *
   * @param n users in the sample, positive
   */
  public static double[][] replicates(int n, List<Statistic> statistics, BootstrapConfig config) {
    if (n <= 0) throw new IllegalArgumentException("the sample needs at least one user, got " + n);
    int b = config.resamples();
    double[][] out = new double[statistics.size()][b];
    SplittableRandom root = new SplittableRandom(config.seed());
    int[] times = new int[n];
    for (int r = 0; r < b; r++) {
      SplittableRandom rng = root.split();
      Arrays.fill(times, 0);
      for (int j = 0; j < n; j++) times[rng.nextInt(n)]++;
      for (int s = 0; s < out.length; s++) out[s][r] = statistics.get(s).of(times);
    }
    return out;
  }

  /** Every user once: the statistic's value on the sample. */
  public static int[] sample(int n) {
    int[] times = new int[n];
    Arrays.fill(times, 1);
    return times;
  }

  /**
   * The mean of {@code values} over the drawn users, NaN values left out (users for whom the
   * metric is undefined); NaN when every drawn user's value is.
   */
  public static Statistic mean(double[] values) {
    double[] v = values.clone();
    return times -> {
      if (times.length != v.length) {
        throw new IllegalArgumentException(times.length + " draw counts for " + v.length + " values");
      }
      double sum = 0;
      long n = 0;
      for (int u = 0; u < v.length; u++) {
        if (times[u] != 0 && !Double.isNaN(v[u])) {
          sum += times[u] * v[u];
          n += times[u];
        }
      }
      return n == 0 ? Double.NaN : sum / n;
    };
  }

  /** The percentile interval of {@code replicates} (NaN replicates left out) around {@code estimate}. */
  public static Interval percentile(double estimate, double[] replicates, double confidence) {
    double[] r = finiteSorted(replicates);
    if (r.length == 0) return new Interval(estimate, Double.NaN, Double.NaN);
    return new Interval(estimate, quantile(r, (1 - confidence) / 2), quantile(r, (1 + confidence) / 2));
  }

  /**
   * A model against the baseline from replicates computed on the same resamples.
   *
   * @param estimate the model's statistic on the sample
   * @param baselineEstimate the baseline's
   */
  public static Paired paired(double estimate, double[] replicates, double baselineEstimate,
      double[] baselineReplicates, double confidence) {
    if (replicates.length != baselineReplicates.length) {
      throw new IllegalArgumentException("replicates differ in number: " + replicates.length + " vs "
          + baselineReplicates.length);
    }
    double observed = estimate - baselineEstimate;
    double[] d = new double[replicates.length];
    int n = 0;
    int extreme = 0;
    for (int b = 0; b < replicates.length; b++) {
      double diff = replicates[b] - baselineReplicates[b];
      if (Double.isNaN(diff)) continue;
      d[n++] = diff;
      if (Math.abs(diff - observed) >= Math.abs(observed)) extreme++;
    }
    if (n == 0 || Double.isNaN(observed)) return new Paired(observed, Double.NaN, Double.NaN, Double.NaN);
    Interval i = percentile(observed, Arrays.copyOf(d, n), confidence);
    return new Paired(observed, i.lo(), i.hi(), (1.0 + extreme) / (n + 1.0));
  }

  /**
   * The replicates shifted by the bootstrap estimate of bias, {@code theta*_b - (mean(theta*) -
   * estimate)} (Efron and Tibshirani, section 10.2), NaN replicates kept as NaN. For statistics
   * that are not means over users, such as coverage, a resample (about 63% distinct users)
   * systematically shows fewer distinct items than the sample, so the raw percentile interval
   * can miss the estimate entirely; removing the estimated bias recentres it. Means need no
   * correction (their bootstrap bias is zero).
   */
  public static double[] debiased(double[] replicates, double estimate) {
    double mean = UserMetrics.mean(replicates);
    double bias = Double.isNaN(mean) ? 0 : mean - estimate;
    double[] out = new double[replicates.length];
    for (int b = 0; b < out.length; b++) out[b] = replicates[b] - bias;
    return out;
  }

  /** The order statistic {@code ceil(q n)} (1-based) of sorted values: the empirical quantile. */
  static double quantile(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length - 1e-9);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  private static double[] finiteSorted(double[] values) {
    double[] r = Arrays.stream(values).filter(x -> !Double.isNaN(x)).toArray();
    Arrays.sort(r);
    return r;
  }
}
