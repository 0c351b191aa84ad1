package dev.kindred.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampledEvaluatorTest {

  /** Scores item i by i itself: higher ids rank first, whatever the user. */
  static final Recommender BY_ID = new Recommender() {
    @Override
    public ScoredItems recommend(int user, int k, RecommendOptions o) {
      int[] c = o.candidates().clone();
      java.util.Arrays.sort(c);
      int n = Math.min(k, c.length);
      int[] items = new int[n];
      float[] s = new float[n];
      for (int r = 0; r < n; r++) {
        items[r] = c[c.length - 1 - r];
        s[r] = items[r];
      }
      return new ScoredItems(items, s);
    }

    @Override
    public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions o, int threads) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScoredItems similarItems(int item, int k) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions o) {
      throw new UnsupportedOperationException();
    }
  };

  static Interactions of(int users, int items, int[] u, int[] i) {
    float[] v = new float[u.length];
    java.util.Arrays.fill(v, 1f);
    return Interactions.fromCoo(IdIndex.identity(users), IdIndex.identity(items), users, items, u, i, v, null,
        u.length, DuplicatePolicy.LAST);
  }

  @Test
  void theHighestItemAlwaysHitsAndTheLowestNeverDoes() {
    // 2 users, 1000 items. User 0's test item is 999 (ranks first among any candidates): HR@1 = 1.
    // User 1's test item is 0 (ranks last among 1 + 99 candidates): rank 99, a miss at K=10.
    Interactions train = of(2, 1000, new int[] {0, 1}, new int[] {5, 6});
    Interactions test = of(2, 1000, new int[] {0, 1}, new int[] {999, 0});
    Map<String, Double> m = SampledEvaluator.evaluate(BY_ID, train, test, new int[] {10, 1}, 99, 3);
    assertThat(m.get("hr@1")).isEqualTo(0.5);
    assertThat(m.get("hr@10")).isEqualTo(0.5);
    assertThat(m.get("ndcg@10")).isEqualTo(0.5); // (1/log2(2) + 0) / 2
    assertThat(m.get("mrr@10")).isEqualTo(0.5);
    assertThat(m.get("auc")).isEqualTo(0.5); // (99/99 + 0/99) / 2
    assertThat(m.get("pairs_evaluated")).isEqualTo(2.0);
    assertThat(m.keySet()).containsSequence("hr@1", "ndcg@1", "mrr@1", "hr@10");
  }

  @Test
  void negativesNeverIncludeSeenItems() {
    // User 0 has seen every item but 0..100 in train; the test item is 100, so negatives must be 0..99:
    // by-id ranking then puts the test item first every time.
    int items = 1000;
    int[] u = new int[items - 101];
    int[] i = new int[items - 101];
    for (int j = 0; j < u.length; j++) i[j] = 101 + j;
    Interactions train = of(1, items, u, i);
    Interactions test = of(1, items, new int[] {0}, new int[] {100});
    assertThat(SampledEvaluator.evaluate(BY_ID, train, test, new int[] {1}, 99, 1).get("hr@1")).isEqualTo(1.0);
  }

  @Test
  void rejectsImpossibleRequests() {
    Interactions train = of(1, 5, new int[] {0}, new int[] {1});
    Interactions test = of(1, 5, new int[] {0}, new int[] {2});
    assertThatThrownBy(() -> SampledEvaluator.evaluate(BY_ID, train, test, new int[] {1}, 99, 1))
        .hasMessageContaining("no test pair");
    assertThatThrownBy(() -> SampledEvaluator.evaluate(BY_ID, train, test, new int[] {1}, 0, 1))
        .hasMessageContaining("negatives");
  }
}
