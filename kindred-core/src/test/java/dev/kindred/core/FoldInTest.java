package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.math.FactorMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FoldInTest {

  static LatentFactorModel withRule(LatentFactorModel m, FoldInRule rule) {
    return new LatentFactorModel(m.provenance(), m.userIndex(), m.itemIndex(), m.globalMean(), m.userBiases(),
        m.itemBiases(), m.userFactors(), m.itemFactors(), m.scoreMin(), m.scoreMax(), rule);
  }

  /** Solves A x = b by Gaussian elimination in double: the independent oracle. */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
      double[] t = a[c]; a[c] = a[p]; a[p] = t;
      double tb = b[c]; b[c] = b[p]; b[p] = tb;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int e = c; e < n; e++) a[r][e] -= f * a[c][e];
        b[r] -= f * b[c];
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = b[r];
      for (int e = r + 1; e < n; e++) s -= a[r][e] * x[e];
      x[r] = s / a[r][r];
    }
    return x;
  }

  /** {@code (Y^T Y + Y_u^T (C_u - I) Y_u + lambda I) x = Y_u^T C_u 1}, {@code c = 1 + alpha r}, in double: the oracle. */
  static double[] implicitRidge(LatentFactorModel m, int[] items, float[] values, float alpha, float lambda) {
    int k = m.dim();
    FactorMatrix q = m.itemFactors();
    double[][] a = new double[k][k];
    double[] b = new double[k];
    for (int i = 0; i < q.rows(); i++) {
      for (int d = 0; d < k; d++) for (int e = 0; e < k; e++) a[d][e] += (double) q.get(i, d) * q.get(i, e);
    }
    for (int j = 0; j < items.length; j++) {
      double c = 1 + alpha * values[j];
      for (int d = 0; d < k; d++) {
        b[d] += c * q.get(items[j], d);
        for (int e = 0; e < k; e++) a[d][e] += (c - 1) * q.get(items[j], d) * q.get(items[j], e);
      }
    }
    for (int d = 0; d < k; d++) a[d][d] += lambda;
    return solve(a, b);
  }

  @Test
  void explicitRidgeRecoversAPlantedUserExactly() {
    // Ratings r_i = mu + b_i + x* . q_i with a tiny lambda: the ridge solution is x*.
    LatentFactorModel base = Fixtures.model(3, 5, 200, 16, true);
    LatentFactorModel m = withRule(base, new FoldInRule.Ridge(1e-4f, false, 0f, false));
    float[] truth = Fixtures.gaussian(new SplittableRandom(9), 16, 0.5);
    int[] items = new int[60];
    float[] values = new float[60];
    for (int j = 0; j < 60; j++) {
      items[j] = j * 3;
      values[j] = m.globalMean() + m.itemBias(items[j]) + dot(truth, m.itemFactors(), items[j]);
    }
    float[] x = new FactorRecommender(m).foldIn(items, values).vector();
    for (int d = 0; d < 16; d++) assertThat(x[d]).isCloseTo(truth[d], org.assertj.core.data.Offset.offset(1e-3f));
  }

  @Test
  void implicitRidgeMatchesTheNormalEquationsSolvedInDouble() {
    int k = 8;
    LatentFactorModel base = Fixtures.model(4, 3, 50, k, false);
    float alpha = 10f;
    float lambda = 0.5f;
    LatentFactorModel m = withRule(base, new FoldInRule.Ridge(lambda, true, alpha, false));
    int[] items = {1, 4, 9, 16, 25, 36, 49};
    float[] values = {1, 2, 1, 3, 1, 1, 5};
    double[] expect = implicitRidge(m, items, values, alpha, lambda);
    float[] x = new FactorRecommender(m).foldIn(items, values).vector();
    // Tolerance: float Cholesky on a well-conditioned 8x8 system, 1e-4 relative.
    for (int d = 0; d < k; d++) assertThat((double) x[d]).isCloseTo(expect[d], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(expect[d]))));
  }

  @Test
  void sgdFoldInFitsTheUsersRatings() {
    LatentFactorModel base = Fixtures.model(5, 4, 300, 16, true);
    LatentFactorModel m = withRule(base, new FoldInRule.Sgd(0.05f, 0.01f, 200, false, 7));
    float[] truth = Fixtures.gaussian(new SplittableRandom(2), 16, 0.5);
    int[] items = new int[80];
    float[] values = new float[80];
    for (int j = 0; j < 80; j++) {
      items[j] = j;
      values[j] = m.globalMean() + 0.4f + m.itemBias(j) + dot(truth, m.itemFactors(), j);
    }
    FoldIn.UserVector v = new FactorRecommender(m).foldIn(items, values);
    double sse = 0;
    for (int j = 0; j < 80; j++) {
      double e = values[j] - m.score(v.vector(), v.bias(), items[j]);
      sse += e * e;
    }
    // Noise-free ratings: the folded-in user reproduces them closely (RMSE < 0.05 on a 1..5-ish scale).
    assertThat(Math.sqrt(sse / 80)).isLessThan(0.05);
  }

  @Test
  void pairwiseFoldInRanksTheHistoryAboveOtherItems() {
    LatentFactorModel base = Fixtures.model(6, 2, 400, 16, false);
    LatentFactorModel m = withRule(base, new FoldInRule.Sgd(0.05f, 0.001f, 100, true, 3));
    // History: the 20 items closest to a planted direction; fold-in should rank them highly.
    float[] dir = Fixtures.gaussian(new SplittableRandom(8), 16, 1);
    Integer[] byScore = new Integer[400];
    for (int i = 0; i < 400; i++) byScore[i] = i;
    java.util.Arrays.sort(byScore, (a, b) -> Float.compare(dot(dir, m.itemFactors(), b), dot(dir, m.itemFactors(), a)));
    int[] hist = new int[20];
    for (int j = 0; j < 20; j++) hist[j] = byScore[j];
    FoldIn.UserVector v = new FactorRecommender(m).foldIn(hist, null);
    // The next best items by the planted direction should appear among the top 40 recommendations.
    ScoredItems top = new FactorRecommender(m).recommendFromHistory(hist, null, 40, RecommendOptions.ALL);
    int hits = 0;
    for (int item : top.items()) {
      for (int j = 20; j < 60; j++) if (byScore[j] == item) hits++;
      for (int h : hist) assertThat(item).isNotEqualTo(h);
    }
    assertThat(hits).isGreaterThan(15);
    assertThat(v.bias()).isZero();
    // Scoring the folded-in user: the listed items score as the top-K pass scored them (1e-4, the
    // panel kernel's summation order), history items score too, and a bad candidate is named.
    float[] scored = new FactorRecommender(m).scoreFromHistory(hist, null, top.items());
    for (int j = 0; j < scored.length; j++) {
      assertThat(scored[j]).isCloseTo(top.scores()[j], org.assertj.core.data.Offset.offset(1e-4f));
    }
    assertThat(new FactorRecommender(m).scoreFromHistory(hist, null, hist)).hasSize(20);
    assertThatThrownBy(() -> new FactorRecommender(m).scoreFromHistory(hist, null, new int[] {400}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidate item index 400");
  }

  @Test
  void modelsWithoutARuleRefuseFoldIn() {
    LatentFactorModel m = Fixtures.model(7, 2, 10, 4, false);
    assertThatThrownBy(() -> new FactorRecommender(m).recommendFromHistory(new int[] {1}, null, 3, RecommendOptions.ALL))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("no fold-in rule");
    LatentFactorModel r = withRule(m, new FoldInRule.Ridge(0.1f, true, 1f, false));
    assertThatThrownBy(() -> new FactorRecommender(r).foldIn(new int[] {10}, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside [0, 10)");
  }

  @Test
  void foldInRuleSurvivesTheModelFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    FactorMatrix basis = new FactorMatrix(5, 4);
    basis.fillGaussian(new SplittableRandom(4), 1f);
    for (FoldInRule rule : new FoldInRule[] {FoldInRule.NONE, new FoldInRule.Ridge(0.3f, true, 40f, false),
        new FoldInRule.Sgd(0.01f, 0.02f, 15, true, 99L), new FoldInRule.Propagation(basis)}) {
      LatentFactorModel m = withRule(Fixtures.model(8, 3, 5, 4, false), rule);
      java.nio.file.Path f = dir.resolve("m.model");
      ModelFile.write(m, f);
      assertThat(((LatentFactorModel) ModelFile.read(f)).foldInRule()).isEqualTo(rule);
    }
  }

  /** x = |N_u|^-1/2 sum_i b_i, checked by hand on two items: (1, 2) and (3, -4) give (4, -2) / sqrt(2). */
  @Test
  void propagationSumsTheItemBasisOverTheRootOfTheDegree() {
    LatentFactorModel base = Fixtures.model(6, 3, 4, 2, false);
    FactorMatrix basis = new FactorMatrix(4, 2);
    basis.setRow(1, new float[] {1f, 2f}, 0);
    basis.setRow(3, new float[] {3f, -4f}, 0);
    FoldIn f = new FoldIn(withRule(base, new FoldInRule.Propagation(basis)));
    FoldIn.UserVector v = f.userVector(new int[] {3, 1, 3}, null); // a repeated item counts once
    double r = 1 / Math.sqrt(2);
    assertThat((double) v.vector()[0]).isCloseTo(4 * r, org.assertj.core.api.Assertions.within(1e-6));
    assertThat((double) v.vector()[1]).isCloseTo(-2 * r, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(v.bias()).isZero();
    assertThat(f.userVector(new int[0], null).vector()).containsExactly(0f, 0f);
  }

  @Test
  void propagationBasisMustMatchTheItemFactors() {
    LatentFactorModel base = Fixtures.model(6, 3, 4, 2, false);
    assertThatThrownBy(() -> withRule(base, new FoldInRule.Propagation(new FactorMatrix(3, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fold-in item basis 3 x 2 does not match the item factors 4 x 2");
  }

  static float dot(float[] x, FactorMatrix q, int i) {
    float s = 0;
    for (int d = 0; d < x.length; d++) s += x[d] * q.get(i, d);
    return s;
  }
}
