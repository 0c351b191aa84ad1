package dev.kindred.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.PopularityModel;
import dev.kindred.core.Provenance;
import dev.kindred.core.Recommenders;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.eval.UserMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportFiguresTest {

  /** Users 0..5 with 1, 1, 2, 3, 3, 6 training items (items 0..5, user u takes the first degree items). */
  private static Interactions train() {
    int[] degree = {1, 1, 2, 3, 3, 6};
    int n = 0;
    for (int d : degree) n += d;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    int w = 0;
    for (int user = 0; user < degree.length; user++) {
      for (int item = 0; item < degree[user]; item++) {
        u[w] = user;
        i[w] = item;
        v[w++] = 1;
      }
    }
    return Interactions.fromCoo(IdIndex.identity(6), IdIndex.identity(8), 6, 8, u, i, v, null, n, DuplicatePolicy.LAST);
  }

  @Test
  void activityBucketsSplitAtQuantilesAndAverageTheirUsers() {
    // recall by user: 0.1, 0.3, NaN, 0.5, 0.7, 1.0; three buckets at the degree tertiles (1 | 2, 3 | 3, 6):
    // ties stay together, so the buckets are degree 1 (users 0, 1), 2-3 (users 2, 3, 4), 4-6 (user 5).
    UserMetrics m = new UserMetrics(new int[] {0, 1, 2, 3, 4, 5},
        Map.of("recall@10", new double[] {0.1, 0.3, Double.NaN, 0.5, 0.7, 1.0}), new int[6][0], new int[] {10}, 8);
    ReportFigures.ActivityBreakdown b = ReportFigures.byActivity(m, train(), "recall@10", 3);
    assertThat(b.labels()).containsExactly("1", "2-3", "4-6");
    assertThat(b.users()).containsExactly(2, 3, 1);
    assertThat(b.means()[0]).isCloseTo(0.2, within(1e-12));
    assertThat(b.means()[1]).isCloseTo(0.6, within(1e-12)); // NaN left out: (0.5 + 0.7) / 2
    assertThat(b.means()[2]).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void metricsAtEveryCutoffAgreeWithTheEvaluatorAtThatCutoff() {
    Interactions train = train();
    // each user's held-out item is item 7, the least popular: popularity finds it last
    int[] u = {0, 1, 2, 3, 4, 5};
    int[] i = {7, 6, 7, 6, 7, 7};
    float[] v = {1, 1, 1, 1, 1, 1};
    Interactions test = Interactions.fromCoo(IdIndex.identity(6), IdIndex.identity(8), 6, 8, u, i, v, null, 6,
        DuplicatePolicy.LAST);
    float[] degree = new float[8];
    for (int item : train.itemIdx()) degree[item]++;
    var rec = Recommenders.of(new PopularityModel(new Provenance("pop", Map.of(), 0L, 42L, 1, 6, 8, 0, 0.0, 0L, "test"),
        degree, train));
    Map<String, double[]> atK = ReportFigures.metricsAtK(rec, train, test, 100, EvalOptions.defaults());
    assertThat(atK.keySet()).containsExactly("precision", "recall", "ndcg", "hr");
    assertThat(atK.get("recall")).hasSize(8); // capped at the catalogue
    for (int k : new int[] {1, 3, 8}) {
      Map<String, Double> one = Evaluator.rankingMetrics(rec, train, test, new int[] {k});
      assertThat(atK.get("ndcg")[k - 1]).isCloseTo(one.get("ndcg@" + k), within(1e-12));
      assertThat(atK.get("recall")[k - 1]).isCloseTo(one.get("recall@" + k), within(1e-12));
    }
    assertThat(atK.get("recall")[7]).isCloseTo(1.0, within(1e-12));
  }
}
