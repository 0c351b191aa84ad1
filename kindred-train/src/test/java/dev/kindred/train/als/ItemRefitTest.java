package dev.kindred.train.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.Forgetting;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import org.junit.jupiter.api.Test;

class ItemRefitTest {

  static final Interactions DATA = new SyntheticGenerator(SyntheticConfig.of(600, 120, 18_000, 5).withImplicit(true)
      .withRank(3).withNoise(0)).generateInMemory();

  static LatentFactorModel exactIals() {
    return new ImplicitAlsTrainer(ImplicitAlsConfig.DEFAULTS.withFactors(6).withIterations(6).withAlpha(2f)
        .withRegularization(5f).withSolver(AlsSolver.CHOLESKY).withThreads(2)).fit(DATA);
  }

  @Test
  void onTheTrainingDataItReproducesTheTrainersLastItemStep() {
    // The fit ends with an exact item half-step against the final user factors: refitting on the
    // same data must give the same item factors (float rounding of two Cholesky solves only).
    LatentFactorModel m = exactIals();
    LatentFactorModel r = ItemRefit.refit(m, DATA, 2);
    for (int i = 0; i < m.numItems(); i++) {
      for (int d = 0; d < m.dim(); d++) {
        float a = m.itemFactors().get(i, d);
        assertThat(r.itemFactors().get(i, d)).as("item %d dim %d", i, d)
            .isCloseTo(a, org.assertj.core.data.Offset.offset(1e-3f * (1 + Math.abs(a))));
      }
    }
    assertThat(r.userFactors()).isSameAs(m.userFactors());
  }

  @Test
  void afterForgettingAUserTheOtherListsStayClose() {
    LatentFactorModel m = exactIals();
    int gone = 0;
    Interactions rest = DATA.withoutUser(gone, DATA.userIndex().without(gone));
    LatentFactorModel f = (LatentFactorModel) Forgetting.withoutUser(m, gone);
    LatentFactorModel r = ItemRefit.refit(f, rest.onto(f.userIndex(), f.itemIndex()), 2);
    int[] users = java.util.stream.IntStream.range(0, f.numUsers()).toArray();
    RecommendOptions seen = RecommendOptions.excludeSeen(rest.onto(f.userIndex(), f.itemIndex()));
    ScoredItems[] before = new FactorRecommender(f).recommendAll(users, 10, seen, 2);
    ScoredItems[] after = new FactorRecommender(r).recommendAll(users, 10, seen, 2);
    double overlap = 0;
    for (int u = 0; u < users.length; u++) {
      java.util.Set<Integer> a = new java.util.HashSet<>();
      for (int i : before[u].items()) a.add(i);
      for (int i : after[u].items()) if (a.contains(i)) overlap++;
    }
    overlap /= 10.0 * users.length;
    // Documented tolerance (README): one of 600 users forgotten, the mean top-10 overlap stays >= 0.9.
    assertThat(overlap).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void modelsWithoutARidgeStepAreRefusedByName() {
    LatentFactorModel m = exactIals();
    LatentFactorModel sgd = new LatentFactorModel(m.provenance(), m.userIndex(), m.itemIndex(), 0f, null, null,
        m.userFactors(), m.itemFactors(), Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
        dev.kindred.core.FoldInRule.NONE);
    assertThatThrownBy(() -> ItemRefit.refit(sgd, DATA, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be retrained without the user");
  }
}
