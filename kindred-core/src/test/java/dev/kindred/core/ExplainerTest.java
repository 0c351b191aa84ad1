package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.math.FactorMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExplainerTest {

  /** Every contribution of every item, so the remainder is what the history does not explain. */
  private static final int ALL = Integer.MAX_VALUE;

  private static double listed(Explanation e) {
    return e.contributors().stream().mapToDouble(Explanation.Contribution::contribution).sum();
  }

  @Test
  void iAlsContributionsMatchTheRidgeSolveInDouble() {
    int k = 8;
    float alpha = 10f;
    float lambda = 0.5f;
    LatentFactorModel m = FoldInTest.withRule(Fixtures.model(4, 3, 50, k, false),
        new FoldInRule.Ridge(lambda, true, alpha, false));
    int[] items = {1, 4, 9, 16, 25, 36, 49};
    float[] values = {1, 2, 1, 3, 1, 1, 5};
    // The oracle: x_u = (Y^T C_u Y + lambda I)^-1 Y^T C_u p_u solved in double, independently of FoldIn.
    double[] x = FoldInTest.implicitRidge(m, items, values, alpha, lambda);
    FactorMatrix q = m.itemFactors();
    ScoredItems top = new FactorRecommender(m).recommendFromHistory(items, values, 10, RecommendOptions.ALL);
    Explainer ex = Explainer.of(m);
    Explanation[] got = ex.explain(new Explainer.History(items, values), top.items(), top.scores(), ALL);
    for (Explanation e : got) {
      double expect = 0;
      for (int d = 0; d < k; d++) expect += x[d] * q.get(e.item(), d);
      // Acceptance: the decomposition sums to the ridge solve's score to 1e-4 relative (float Cholesky, k = 8).
      assertThat(Math.abs(listed(e) - expect)).isLessThanOrEqualTo(1e-4 * Math.abs(expect));
      assertThat(e.method()).isEqualTo(Explanation.Method.EXACT);
      assertThat(e.contributors()).hasSize(items.length);
      // The score explained is the fold-in's own: nothing left over beyond float rounding.
      assertThat(Math.abs(e.remainder())).isLessThanOrEqualTo(1e-4f * Math.abs(e.score()));
    }
  }

  @Test
  void topListsTheLargestContributionsAndTheRestGoesToTheRemainder() {
    LatentFactorModel m = FoldInTest.withRule(Fixtures.model(7, 2, 40, 6, false),
        new FoldInRule.Ridge(0.1f, true, 5f, false));
    int[] items = {0, 3, 5, 8, 13, 21};
    Explainer ex = Explainer.of(m);
    Explainer.History h = new Explainer.History(items, null);
    Explanation full = ex.explain(h, 30, 1.5f, ALL);
    Explanation three = ex.explain(h, 30, 1.5f, 3);
    assertThat(three.contributors()).containsExactlyElementsOf(full.contributors().subList(0, 3));
    for (int j = 1; j < full.contributors().size(); j++) {
      assertThat(full.contributors().get(j).contribution()).isLessThanOrEqualTo(full.contributors().get(j - 1).contribution());
    }
    assertThat((double) three.remainder()).isCloseTo(1.5 - listed(three), org.assertj.core.data.Offset.offset(1e-5));
    Explanation.Contribution c = three.contributors().get(0);
    assertThat(c.share()).isCloseTo(c.contribution() / 1.5f, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void explicitAlsLeavesTheBiasesInTheRemainder() {
    LatentFactorModel m = FoldInTest.withRule(Fixtures.model(3, 5, 60, 8, true),
        new FoldInRule.Ridge(0.05f, false, 0f, true));
    int[] items = {2, 7, 11, 19, 23, 40};
    float[] values = {4, 5, 2, 3, 5, 1};
    FoldIn.UserVector v = new FactorRecommender(m).foldIn(items, values);
    for (int i : new int[] {0, 10, 59}) {
      float dot = m.score(v.vector(), v.bias(), i) - m.globalMean() - v.bias() - m.itemBias(i);
      Explanation e = Explainer.of(m).explain(new Explainer.History(items, values), i, m.score(v.vector(), v.bias(), i), ALL);
      // Tolerance: float Cholesky and float sums on an 8 x 8 system.
      assertThat(listed(e)).isCloseTo(dot, org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(dot))));
      assertThat((double) e.remainder()).isCloseTo(m.globalMean() + m.itemBias(i),
          org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void itemItemContributionsAddUpToTheScore() {
    for (ItemItemModel m : new ItemItemModel[] {ItemItemRecommenderTest.sparseModel(11, 30, 40, false),
        ItemItemRecommenderTest.denseModel(12, 30, 40, true)}) {
      Explainer ex = Explainer.of(m);
      for (int u = 0; u < m.numUsers(); u += 7) {
        Explainer.History h = ex.history(u, null);
        assertThat(h.items()).containsExactly(m.histories().itemsOf(u));
        for (int i = 0; i < m.numItems(); i += 5) {
          Explanation e = ex.explain(h, i, m.score(u, i), ALL);
          // Exactly linear: the same products summed in another order (float rounding only).
          assertThat(Math.abs(e.remainder())).as("%s user %d item %d", m.layout(), u, i)
              .isLessThanOrEqualTo(1e-5f * (1 + Math.abs(e.score())));
        }
      }
    }
  }

  @Test
  void graphFilterContributionsAddUpToTheScore() {
    GraphFilterModel m = GraphFilterRecommenderTest.model(21, 25, 30, 0.2, 4, 0.7f);
    Explainer ex = Explainer.of(m);
    for (int u = 0; u < m.numUsers(); u += 4) {
      Explainer.History h = ex.history(u, null);
      for (int i = 0; i < m.numItems(); i += 3) {
        Explanation e = ex.explain(h, i, m.score(u, i), ALL);
        assertThat(Math.abs(e.remainder())).as("user %d item %d", u, i)
            .isLessThanOrEqualTo(1e-5f * (1 + Math.abs(e.score())));
      }
    }
    // A folded-in history with a repeated item: each entry is its own term, as the recommender counts it.
    int[] hist = {3, 7, 3};
    ScoredItems top = new GraphFilterRecommender(m).recommendFromHistory(hist, null, 5, RecommendOptions.ALL);
    for (Explanation e : ex.explain(new Explainer.History(hist, null), top.items(), top.scores(), ALL)) {
      assertThat(Math.abs(e.remainder())).isLessThanOrEqualTo(1e-5f * (1 + Math.abs(e.score())));
    }
  }

  @Test
  void lightGcnPropagationIsExactForAFoldedInUser() {
    LatentFactorModel base = Fixtures.model(8, 3, 30, 6, false);
    FactorMatrix basis = new FactorMatrix(30, 6);
    basis.fillGaussian(new SplittableRandom(5), 0.3f);
    LatentFactorModel m = FoldInTest.withRule(base, new FoldInRule.Propagation(basis));
    int[] hist = {1, 2, 9, 2};
    ScoredItems top = new FactorRecommender(m).recommendFromHistory(hist, null, 5, RecommendOptions.ALL);
    for (Explanation e : Explainer.of(m).explain(new Explainer.History(hist, null), top.items(), top.scores(), ALL)) {
      assertThat(e.method()).isEqualTo(Explanation.Method.EXACT);
      assertThat(Math.abs(e.remainder())).isLessThanOrEqualTo(1e-5f * (1 + Math.abs(e.score())));
    }
  }

  @Test
  void sgdModelsShareTheScoreBySimilarity() {
    LatentFactorModel m = FoldInTest.withRule(Fixtures.model(9, 3, 30, 6, false),
        new FoldInRule.Sgd(0.05f, 0.01f, 10, true, 1));
    int[] hist = {0, 4, 8, 12, 16};
    Explanation e = Explainer.of(m).explain(new Explainer.History(hist, null), 20, 2f, ALL);
    assertThat(e.method()).isEqualTo(Explanation.Method.SIMILARITY);
    double shares = e.contributors().stream().mapToDouble(Explanation.Contribution::share).sum();
    assertThat(shares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(Math.abs(e.remainder())).isLessThan(1e-5f);
    // The most similar history item (cosine of factors) leads.
    int best = -1;
    double bestCos = -2;
    for (int j : hist) {
      double c = cosine(m.itemFactors(), j, 20);
      if (c > bestCos) {
        bestCos = c;
        best = j;
      }
    }
    assertThat(e.contributors().get(0).item()).isEqualTo(best);
  }

  private static double cosine(FactorMatrix q, int a, int b) {
    double d = 0, na = 0, nb = 0;
    for (int x = 0; x < q.dim(); x++) {
      d += q.get(a, x) * q.get(b, x);
      na += q.get(a, x) * q.get(a, x);
      nb += q.get(b, x) * q.get(b, x);
    }
    return d / Math.sqrt(na * nb);
  }

  @Test
  void latentFactorHistoryComesFromTheSeenInteractions() {
    LatentFactorModel m = Fixtures.model(1, 6, 12, 4, false);
    Interactions seen = Fixtures.randomInteractions(2, 6, 12, 0.4);
    Explainer ex = Explainer.of(m);
    assertThat(ex.history(3, seen).items()).containsExactly(seen.itemsOf(3));
    assertThat(ex.history(3, null).items()).isEmpty();
  }

  @Test
  void badIndicesAreNamed() {
    Explainer ex = Explainer.of(Fixtures.model(1, 2, 5, 3, false));
    assertThatThrownBy(() -> ex.explain(new Explainer.History(new int[] {5}, null), 0, 1f, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("history item index 5");
    assertThatThrownBy(() -> ex.explain(Explainer.History.EMPTY, -1, 1f, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("explained item index -1");
  }
}
