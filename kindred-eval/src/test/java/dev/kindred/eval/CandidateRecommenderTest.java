package dev.kindred.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every user-facing call reaches the wrapped recommender with the candidates set. */
class CandidateRecommenderTest {

  @Test
  void addsTheCandidatesToEveryCall() {
    List<RecommendOptions> seen = new ArrayList<>();
    Recommender inner = new Recommender() {
      @Override
      public ScoredItems recommend(int user, int k, RecommendOptions options) {
        seen.add(options);
        return null;
      }

      @Override
      public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads) {
        seen.add(options);
        return new ScoredItems[0];
      }

      @Override
      public ScoredItems similarItems(int item, int k) {
        return null;
      }

      @Override
      public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options) {
        seen.add(options);
        return null;
      }
    };
    int[] cold = {3, 5};
    Recommender r = new CandidateRecommender(inner, cold);
    r.recommend(0, 2, RecommendOptions.ALL.withExcludeItems(new int[] {1}));
    r.recommendAll(new int[] {0}, 2, RecommendOptions.ALL, 1);
    r.recommendFromHistory(new int[] {1}, new float[] {1}, 2, RecommendOptions.ALL);
    assertThat(seen).hasSize(3).allSatisfy(o -> assertThat(o.candidates()).containsExactly(3, 5));
    assertThat(seen.get(0).excludeItems()).containsExactly(1);
  }
}
