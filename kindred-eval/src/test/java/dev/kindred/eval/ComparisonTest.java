package dev.kindred.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Side-by-side comparison of hand-built per-user results; tolerance 1e-9. */
class ComparisonTest {

  /** A fold over the given users, 4 items, ndcg@2 values and lists given; ild@2 only when asked. */
  private static UserMetrics fold(int[] users, double[] ndcg, int[][] lists, boolean ild) {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("ndcg@2", ndcg);
    if (ild) m.put("ild@2", ndcg.clone());
    return new UserMetrics(users, m, lists, new int[] {2}, 4);
  }

  @Test
  void oneFoldEstimatesAreTheMeansAndTheBaselineIsPaired() {
    int[][] lists = {{0, 1}, {0, 2}, {1, 2}};
    UserMetrics pop = fold(new int[] {0, 1, 2}, new double[] {0, 0.5, 0.25}, lists, false);
    UserMetrics better = fold(new int[] {0, 1, 2}, new double[] {1, 1, 0.75}, new int[][] {{3, 1}, {0, 2}, {1, 2}},
        true);
    Comparison.Result r = Comparison.compare(List.of(new Comparison.ModelRun("pop", List.of(pop)),
        new Comparison.ModelRun("ials", List.of(better))), 0, BootstrapConfig.DEFAULTS);
    assertThat(r.models()).containsExactly("pop", "ials");
    assertThat(r.baseline()).isEqualTo("pop");
    assertThat(r.users()).isEqualTo(3);
    assertThat(r.rows()).extracting(Comparison.Row::metric).containsExactly("ndcg@2", "coverage@2", "gini@2", "ild@2");
    Comparison.Row ndcg = r.rows().get(0);
    assertThat(ndcg.cells().get(0).estimate()).isCloseTo(0.25, within(1e-9));
    assertThat(ndcg.cells().get(1).estimate()).isCloseTo(11.0 / 12, within(1e-9));
    // every resampled mean lies between the smallest and largest user value
    assertThat(ndcg.cells().get(0).lo()).isBetween(0.0, 0.25);
    assertThat(ndcg.cells().get(0).hi()).isBetween(0.25, 0.5);
    assertThat(ndcg.versusBaseline().get(0)).isNull();
    // per-user differences 1, 0.5, 0.5: always positive, so p = 1 / (B + 1)
    Bootstrap.Paired vs = ndcg.versusBaseline().get(1);
    assertThat(vs.difference()).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(vs.pValue()).isEqualTo(1.0 / 1001);
    assertThat(vs.lo()).isGreaterThanOrEqualTo(0.5 - 1e-12); // difference of two float sums
    // coverage@2: pop {0, 1, 2} = 3/4, ials {0, 1, 2, 3} = 1; equal to UserMetrics.means()
    assertThat(r.rows().get(1).cells().get(0).estimate()).isCloseTo(pop.means().get("coverage@2"), within(1e-9))
        .isCloseTo(0.75, within(1e-9));
    assertThat(r.rows().get(1).cells().get(1).estimate()).isCloseTo(1.0, within(1e-9));
    // ild@2 only for the model with item vectors
    Comparison.Row ild = r.rows().get(3);
    assertThat(ild.cells().get(0)).isNull();
    assertThat(ild.cells().get(1)).isNotNull();
    assertThat(ild.versusBaseline().get(1)).isNull();
  }

  @Test
  void foldsAverageEachUsersValuesAndTheListMetrics() {
    // fold 0 evaluates users 0, 1; fold 1 users 1, 2. Union {0, 1, 2}.
    UserMetrics f0 = fold(new int[] {0, 1}, new double[] {0.2, 0.4}, new int[][] {{0, 1}, {0, 1}}, false);
    UserMetrics f1 = fold(new int[] {1, 2}, new double[] {0.6, 0.9}, new int[][] {{2, 3}, {0, 3}}, false);
    Comparison.Result r = Comparison.compare(List.of(new Comparison.ModelRun("m", List.of(f0, f1))), 0,
        BootstrapConfig.DEFAULTS);
    assertThat(r.users()).isEqualTo(3);
    assertThat(r.folds()).isEqualTo(2);
    // per user: 0 -> 0.2, 1 -> (0.4 + 0.6) / 2 = 0.5, 2 -> 0.9; mean 1.6 / 3
    assertThat(r.rows().get(0).cells().get(0).estimate()).isCloseTo(1.6 / 3, within(1e-9));
    // coverage@2: fold 0 {0, 1} = 1/2, fold 1 {0, 2, 3} = 3/4 -> 5/8
    assertThat(r.rows().get(1).cells().get(0).estimate()).isCloseTo(5.0 / 8, within(1e-9));
  }

  /**
   * 40 users with disjoint lists cover the whole catalog, but a resample holds about 63% distinct
   * users and covers about 63% of it: the raw percentile interval (near [0.5, 0.75]) would miss
   * the estimate 1. The debiased interval holds it.
   */
  @Test
  void listMetricIntervalsAreDebiasedAroundTheEstimate() {
    int n = 40;
    int[] users = new int[n];
    int[][] lists = new int[n][];
    for (int u = 0; u < n; u++) {
      users[u] = u;
      lists[u] = new int[] {2 * u, 2 * u + 1};
    }
    UserMetrics m = new UserMetrics(users, Map.of(), lists, new int[] {2}, 2 * n);
    Comparison.Result r = Comparison.compare(List.of(new Comparison.ModelRun("m", List.of(m))), 0,
        BootstrapConfig.DEFAULTS);
    Bootstrap.Interval coverage = r.rows().get(0).cells().get(0);
    assertThat(coverage.estimate()).isEqualTo(1.0);
    assertThat(coverage.lo()).isBetween(0.8, 1.0);
    assertThat(coverage.hi()).isEqualTo(1.0); // clamped to the metric's range
    Bootstrap.Interval gini = r.rows().get(1).cells().get(0);
    assertThat(gini.estimate()).isCloseTo(0.0, within(1e-12));
    assertThat(gini.lo()).isEqualTo(0.0);
    assertThat(gini.hi()).isBetween(0.0, 0.2);
    double[] shifted = Bootstrap.debiased(new double[] {1, 2, Double.NaN, 3}, 5);
    assertThat(shifted[0]).isEqualTo(4.0);
    assertThat(shifted[2]).isNaN();
    assertThat(shifted[3]).isEqualTo(6.0);
  }

  @Test
  void modelsEvaluatedOnOtherUsersAreRefused() {
    UserMetrics a = fold(new int[] {0, 1}, new double[] {0, 1}, new int[][] {{0}, {1}}, false);
    UserMetrics b = fold(new int[] {0, 2}, new double[] {0, 1}, new int[][] {{0}, {1}}, false);
    assertThatThrownBy(() -> Comparison.compare(List.of(new Comparison.ModelRun("a", List.of(a)),
        new Comparison.ModelRun("b", List.of(b))), 0, BootstrapConfig.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("b was evaluated on other users than a in fold 0 (2 vs 2)");
  }
}
