package dev.kindred.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several models evaluated on the same split (or the same k folds), side by side: every metric's
 * mean with a bootstrap percentile interval over users, and each model against a baseline with a
 * paired bootstrap test ({@link Bootstrap}).
 *
 * <ol>
 *   <li>Every model must have been evaluated on the same folds with the same users per fold
 *       (users depend on the split and the relevance threshold, not on the model), else
 *       {@link IllegalArgumentException}.
 *   <li>The sample is the union U of the folds' users. A per-user metric's value for a user is the
 *       mean of that user's values over the folds that evaluated them; the estimate is the mean
 *       over U. A list metric ({@code coverage@K}, {@code gini@K}) is the mean over folds of the
 *       metric of that fold's lists. With one fold both are exactly {@link UserMetrics#means()}.
 *   <li>A resample draws users of U with replacement; a drawn user brings their values and, in
 *       every fold, their list. All models and metrics share the resamples, so differences are
 *       paired by user.
 *   <li>Intervals are percentile intervals ({@link Bootstrap#percentile}). For the list metrics the
 *       replicates are first {@link Bootstrap#debiased} (a resample repeats users, so it covers
 *       fewer items than the sample and its Gini is higher); their intervals and p-values are
 *       therefore approximate, more so than those of the per-user means.
 *   <li>A metric a model does not have ({@code ild@K} without item vectors) is null in its
 *       {@link Row#cells()}; its test against the baseline is null too.
 * </ol>
 * Cost: {@code O(B (|U| * models * metrics + folds * models * (users * K + items log items)))}
 * for B resamples, single-threaded (ML-100K, 5 models, 1,000 resamples: about a second).
 */
public final class Comparison {

  private static final Logger LOG = LoggerFactory.getLogger(Comparison.class);

  /**
   * One model's evaluation.
   *
   * @param label how the model is named in the table
   * @param folds its {@link UserMetrics} on each fold, in fold order
   */
  public record ModelRun(String label, List<UserMetrics> folds) {
    public ModelRun {
      if (folds.isEmpty()) throw new IllegalArgumentException(label + ": no folds evaluated");
      folds = List.copyOf(folds);
    }
  }

  /**
   * One metric across models.
   *
   * @param metric the key, e.g. {@code ndcg@10}
   * @param cells each model's estimate and interval, in model order; null where the model lacks it
   * @param versusBaseline each model against the baseline, null for the baseline itself and where
   *     either lacks the metric
   */
  public record Row(String metric, List<Bootstrap.Interval> cells, List<Bootstrap.Paired> versusBaseline) {}

  /**
   * The comparison.
   *
   * @param models the labels, in input order
   * @param baseline the baseline's label
   * @param users the sample size |U|
   * @param folds folds per model
   * @param config resamples, confidence and seed
   * @param rows one per metric: per K, the ranking metrics, coverage and Gini, the popularity
   *     metrics and ILD; then AUC
   */
  public record Result(List<String> models, String baseline, int users, int folds, BootstrapConfig config,
      List<Row> rows) {}

  /** Metric names in table order within one cutoff K. */
  private static final List<String> ORDER = List.of("precision", "recall", "f1", "ndcg", "map", "hr", "mrr",
      "coverage", "gini", "novelty", "avg_popularity", "long_tail_share", "ild");

  private Comparison() {}

  /**
   * Compares the runs.
   *
   * @param baseline index of the baseline in {@code runs}
   */
  public static Result compare(List<ModelRun> runs, int baseline, BootstrapConfig config) {
    if (runs.isEmpty()) throw new IllegalArgumentException("nothing to compare: no models");
    if (baseline < 0 || baseline >= runs.size()) {
      throw new IllegalArgumentException("baseline index " + baseline + " outside [0, " + runs.size() + ")");
    }
    int[][] foldUsers = checkSameUsers(runs);
    int[] universe = union(foldUsers);
    int[][] position = new int[foldUsers.length][];
    for (int f = 0; f < foldUsers.length; f++) {
      position[f] = new int[foldUsers[f].length];
      for (int j = 0; j < foldUsers[f].length; j++) position[f][j] = Arrays.binarySearch(universe, foldUsers[f][j]);
    }
    List<String> keys = orderedKeys(runs);
    List<Bootstrap.Statistic> stats = new ArrayList<>();
    Bootstrap.Statistic[][] byRunKey = new Bootstrap.Statistic[runs.size()][keys.size()];
    for (int m = 0; m < runs.size(); m++) {
      for (int k = 0; k < keys.size(); k++) {
        Bootstrap.Statistic s = statistic(runs.get(m), keys.get(k), universe.length, position);
        byRunKey[m][k] = s;
        if (s != null) stats.add(s);
      }
    }
    long start = System.nanoTime();
    double[][] reps = Bootstrap.replicates(universe.length, stats, config);
    LOG.info("bootstrap: {} statistics x {} resamples over {} users in {} ms", stats.size(), config.resamples(),
        universe.length, (System.nanoTime() - start) / 1_000_000);
    int[] all = Bootstrap.sample(universe.length);
    List<Row> rows = new ArrayList<>();
    int next = 0;
    double[][][] repsByRunKey = new double[runs.size()][keys.size()][];
    for (int m = 0; m < runs.size(); m++) {
      for (int k = 0; k < keys.size(); k++) {
        if (byRunKey[m][k] == null) continue;
        double[] r = reps[next++];
        boolean listMetric = runs.get(m).folds().get(0).listMetricKeys().contains(keys.get(k));
        repsByRunKey[m][k] = listMetric ? Bootstrap.debiased(r, byRunKey[m][k].of(all)) : r;
      }
    }
    for (int k = 0; k < keys.size(); k++) {
      List<Bootstrap.Interval> cells = new ArrayList<>();
      List<Bootstrap.Paired> versus = new ArrayList<>();
      Bootstrap.Statistic base = byRunKey[baseline][k];
      double baseEstimate = base == null ? Double.NaN : base.of(all);
      for (int m = 0; m < runs.size(); m++) {
        Bootstrap.Statistic s = byRunKey[m][k];
        if (s == null) {
          cells.add(null);
          versus.add(null);
          continue;
        }
        double estimate = s.of(all);
        Bootstrap.Interval interval = Bootstrap.percentile(estimate, repsByRunKey[m][k], config.confidence());
        if (runs.get(m).folds().get(0).listMetricKeys().contains(keys.get(k))) {
          // coverage and Gini live in [0, 1]; the shifted replicates may not
          interval = new Bootstrap.Interval(estimate, Math.max(0, interval.lo()), Math.min(1, interval.hi()));
        }
        cells.add(interval);
        versus.add(m == baseline || base == null ? null
            : Bootstrap.paired(estimate, repsByRunKey[m][k], baseEstimate, repsByRunKey[baseline][k],
                config.confidence()));
      }
      rows.add(new Row(keys.get(k), cells, versus));
    }
    return new Result(runs.stream().map(ModelRun::label).toList(), runs.get(baseline).label(), universe.length,
        foldUsers.length, config, rows);
  }

  /** The statistic of one model's metric over U, or null when the model does not have it. */
  private static Bootstrap.Statistic statistic(ModelRun run, String key, int universeSize, int[][] position) {
    List<UserMetrics> folds = run.folds();
    if (folds.get(0).listMetricKeys().contains(key)) {
      return times -> {
        double sum = 0;
        for (int f = 0; f < folds.size(); f++) {
          int[] t = new int[position[f].length];
          for (int j = 0; j < t.length; j++) t[j] = times[position[f][j]];
          sum += folds.get(f).listMetric(key, t);
        }
        return sum / folds.size();
      };
    }
    if (!folds.get(0).perUser().containsKey(key)) return null;
    double[] sum = new double[universeSize];
    int[] count = new int[universeSize];
    for (int f = 0; f < folds.size(); f++) {
      double[] v = folds.get(f).perUser().get(key);
      for (int j = 0; j < v.length; j++) {
        if (!Double.isNaN(v[j])) {
          sum[position[f][j]] += v[j];
          count[position[f][j]]++;
        }
      }
    }
    double[] perUser = new double[universeSize];
    for (int u = 0; u < universeSize; u++) perUser[u] = count[u] == 0 ? Double.NaN : sum[u] / count[u];
    return Bootstrap.mean(perUser);
  }

  private static int[][] checkSameUsers(List<ModelRun> runs) {
    List<UserMetrics> first = runs.get(0).folds();
    int[][] users = new int[first.size()][];
    for (int f = 0; f < users.length; f++) users[f] = first.get(f).users();
    for (ModelRun r : runs) {
      if (r.folds().size() != users.length) {
        throw new IllegalArgumentException(r.label() + " has " + r.folds().size() + " folds, "
            + runs.get(0).label() + " has " + users.length);
      }
      for (int f = 0; f < users.length; f++) {
        if (!Arrays.equals(users[f], r.folds().get(f).users())) {
          throw new IllegalArgumentException(r.label() + " was evaluated on other users than " + runs.get(0).label()
              + " in fold " + f + " (" + r.folds().get(f).users().length + " vs " + users[f].length + ")");
        }
      }
    }
    return users;
  }

  private static int[] union(int[][] foldUsers) {
    Set<Integer> all = new TreeSet<>();
    for (int[] f : foldUsers) for (int u : f) all.add(u);
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Every metric key of any model, per K in {@link #ORDER}, then keys without a cutoff. */
  private static List<String> orderedKeys(List<ModelRun> runs) {
    Set<String> keys = new LinkedHashSet<>();
    for (ModelRun r : runs) {
      UserMetrics m = r.folds().get(0);
      keys.addAll(m.perUser().keySet());
      keys.addAll(m.listMetricKeys());
    }
    Comparator<String> byCutoffThenName = Comparator.comparingInt(Comparison::cutoff)
        .thenComparingInt(key -> {
          int at = key.indexOf('@');
          int i = ORDER.indexOf(at < 0 ? key : key.substring(0, at));
          return i < 0 ? ORDER.size() : i;
        });
    return keys.stream().sorted(byCutoffThenName).toList();
  }

  private static int cutoff(String key) {
    int at = key.indexOf('@');
    return at < 0 ? Integer.MAX_VALUE : Integer.parseInt(key.substring(at + 1));
  }
}
