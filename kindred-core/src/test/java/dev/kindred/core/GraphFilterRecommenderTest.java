package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.math.CsrMatrix;
import dev.kindred.math.FactorMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GraphFilterModel} and {@link GraphFilterRecommender} against a dense double-precision
 * evaluation of {@code s_u = r_u R~^T R~ + p_u Q^T}, {@code p_u = alpha sum_{i in r_u} q_i / d_i}.
 * Tolerance: {@value #REL_TOL} of the sum of the magnitudes of the terms (float sums of up to a few
 * hundred terms).
 */
class GraphFilterRecommenderTest {

  static final double REL_TOL = 1e-5;

  @TempDir
  Path dir;

  /** R~ = D_U^-1/2 R D_I^-1/2 of the histories' pattern. */
  static CsrMatrix normalize(Interactions h) {
    float[] v = new float[h.size()];
    for (int u = 0; u < h.numUsers(); u++) {
      for (int p = h.userPtr()[u]; p < h.userPtr()[u + 1]; p++) {
        v[p] = (float) (1 / Math.sqrt((double) h.userDegree(u) * h.itemDegree(h.itemIdx()[p])));
      }
    }
    return new CsrMatrix(h.numUsers(), h.numItems(), h.userPtr(), h.itemIdx(), v);
  }

  static GraphFilterModel model(long seed, int users, int items, double density, int rank, float alpha) {
    Interactions h = Fixtures.randomInteractions(seed, users, items, density);
    FactorMatrix q = new FactorMatrix(items, rank);
    q.fillGaussian(new SplittableRandom(seed + 1), 0.5f);
    return new GraphFilterModel(Fixtures.provenance("graph-filter"), h, normalize(h), q, alpha);
  }

  /** The dense reference of one history's scores (items may repeat). */
  static double[][] reference(GraphFilterModel m, int[] items) {
    int n = m.numItems();
    CsrMatrix a = m.normalized();
    double[][] d = new double[a.rows()][n];
    for (int u = 0; u < a.rows(); u++) {
      for (int p = a.rowPtr()[u]; p < a.rowPtr()[u + 1]; p++) d[u][a.colIdx()[p]] = a.values()[p];
    }
    double[] s = new double[n];
    double[] mag = new double[n];
    for (int i : items) {
      for (int u = 0; u < a.rows(); u++) {
        for (int j = 0; j < n; j++) {
          s[j] += d[u][i] * d[u][j];
          mag[j] += Math.abs(d[u][i] * d[u][j]);
        }
      }
    }
    int rank = m.rank();
    double[] pu = new double[rank];
    for (int i : items) {
      int deg = m.normalizedTranspose().rowNnz(i);
      for (int c = 0; c < rank; c++) pu[c] += m.idealWeight() * m.idealFactors().get(i, c) / deg;
    }
    for (int j = 0; j < n; j++) {
      for (int c = 0; c < rank; c++) {
        s[j] += pu[c] * m.idealFactors().get(j, c);
        mag[j] += Math.abs(pu[c] * m.idealFactors().get(j, c));
      }
    }
    return new double[][] {s, mag};
  }

  static void assertScoresMatchReference(GraphFilterModel m, int[] history, ScoredItems got) {
    double[][] ref = reference(m, history);
    for (int r = 0; r < got.size(); r++) {
      int j = got.items()[r];
      assertThat((double) got.scores()[r]).as("item %d", j).isCloseTo(ref[0][j], within(REL_TOL * ref[1][j] + 1e-12));
    }
  }

  @Test
  void linearFilterOnATinyGraphByHand() {
    // u0 {0, 1}, u1 {1, 2}: d_U = (2, 2), d_I = (1, 2, 1). R~ rows: u0 (1/sqrt2, 1/2, 0), u1 (0, 1/2, 1/sqrt2).
    // r_u0 R~^T = (1/sqrt2 + 1/2, 1/2); times R~: item 0 = 1/2 + sqrt2/4, item 1 = (1/sqrt2 + 1)/2,
    // item 2 = sqrt2/4: 0.85355339 for items 0 and 1 (a tie), 0.35355339 for item 2.
    Interactions h = new Interactions(IdIndex.identity(2), IdIndex.identity(3), 2, 3, new int[] {0, 2, 4},
        new int[] {0, 1, 1, 2}, new float[] {4, 4, 4, 4}, null);
    GraphFilterModel m = new GraphFilterModel(Fixtures.provenance("graph-filter"), h, normalize(h),
        new FactorMatrix(3, 1), 0f);
    ScoredItems all = new GraphFilterRecommender(m).recommend(0, 3, RecommendOptions.ALL);
    assertThat(all.items()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(all.items()[2]).isEqualTo(2);
    assertThat(all.scores()).containsExactly(new float[] {0.85355339f, 0.85355339f, 0.35355339f}, within(1e-6f));
    ScoredItems unseen = new GraphFilterRecommender(m).recommend(0, 3, RecommendOptions.excludeSeen(h));
    assertThat(unseen.items()).containsExactly(2);
    assertThat(m.score(0, 2)).isCloseTo(0.35355339f, within(1e-6f));
  }

  @Test
  void scoresMatchTheDenseReference() {
    GraphFilterModel m = model(3, 40, 70, 0.08, 13, 0.3f);
    GraphFilterRecommender rec = new GraphFilterRecommender(m);
    for (int u = 0; u < m.numUsers(); u += 7) {
      int[] history = m.histories().itemsOf(u);
      ScoredItems s = rec.recommend(u, 70, RecommendOptions.ALL);
      assertScoresMatchReference(m, history, s);
      for (int r = 0; r < s.size(); r += 9) {
        assertThat(m.score(u, s.items()[r])).isCloseTo(s.scores()[r], within((float) (1e-5 * (1 + Math.abs(s.scores()[r])))));
      }
    }
  }

  @Test
  void batchEqualsSingleBitForBit() {
    GraphFilterModel m = model(5, 150, 90, 0.05, 20, 0.5f);
    GraphFilterRecommender rec = new GraphFilterRecommender(m);
    int[] users = new int[m.numUsers()];
    Arrays.setAll(users, u -> m.numUsers() - 1 - u);
    RecommendOptions o = RecommendOptions.excludeSeen(m.histories()).withExcludeItems(new int[] {3, 4});
    ScoredItems[] all = rec.recommendAll(users, 11, o, 2);
    for (int j = 0; j < users.length; j++) {
      ScoredItems one = rec.recommend(users[j], 11, o);
      assertThat(all[j].items()).as("user %d", users[j]).containsExactly(one.items());
      assertThat(all[j].scores()).as("user %d", users[j]).containsExactly(one.scores());
    }
  }

  @Test
  void foldInOfAKnownHistoryIsTheTrainedUserAndRepeatsCount() {
    GraphFilterModel m = model(7, 60, 50, 0.1, 8, 0.3f);
    GraphFilterRecommender rec = new GraphFilterRecommender(m);
    for (int u = 0; u < m.numUsers(); u += 11) {
      int[] items = m.histories().itemsOf(u);
      ScoredItems folded = rec.recommendFromHistory(items, null, 10, RecommendOptions.ALL);
      ScoredItems trained = rec.recommend(u, 10, RecommendOptions.excludeSeen(m.histories()));
      assertThat(folded.items()).containsExactly(trained.items());
      assertThat(folded.scores()).containsExactly(trained.scores());
      int[] every = java.util.stream.IntStream.range(0, m.numItems()).toArray();
      float[] scored = rec.scoreFromHistory(items, null, every);
      for (int i : every) {
        // The panel kernel and the model's sparse loop sum in different orders: 1e-5 relative.
        assertThat(scored[i]).as("user %d item %d", u, i)
            .isCloseTo(m.score(u, i), org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(m.score(u, i)))));
      }
    }
    int[] twice = {4, 4, 9};
    assertScoresMatchReference(m, twice, rec.recommendFromHistory(twice, null, 48, RecommendOptions.ALL));
  }

  @Test
  void similarItemsAreTheFilterRowOfTheItem() {
    GraphFilterModel m = model(9, 50, 40, 0.1, 6, 0.3f);
    ScoredItems s = new GraphFilterRecommender(m).similarItems(5, 39);
    assertThat(s.items()).doesNotContain(5);
    assertScoresMatchReference(m, new int[] {5}, s);
  }

  @Test
  void candidatesAndThreadsDoNotChangeTheScores() {
    GraphFilterModel m = model(11, 80, 60, 0.08, 16, 0.3f);
    GraphFilterRecommender rec = new GraphFilterRecommender(m);
    int[] cand = {50, 2, 7, 7, 31};
    ScoredItems c = rec.recommend(3, 10, RecommendOptions.ALL.withCandidates(cand));
    assertThat(c.items()).containsOnly(50, 2, 7, 31).hasSize(4);
    int[] users = {0, 1, 2, 3, 4, 5, 6};
    ScoredItems[] one = rec.recommendAll(users, 5, RecommendOptions.ALL, 1);
    ScoredItems[] two = rec.recommendAll(users, 5, RecommendOptions.ALL, 2);
    for (int j = 0; j < users.length; j++) assertThat(two[j].scores()).containsExactly(one[j].scores());
  }

  @Test
  void modelFileRoundTripKeepsEveryArray() throws IOException {
    GraphFilterModel m = model(13, 30, 25, 0.15, 4, 0.25f);
    Path f = dir.resolve("gf.kdr");
    ModelFile.write(m, f);
    Model read = ModelFile.read(f);
    assertThat(read).isInstanceOf(GraphFilterModel.class);
    GraphFilterModel r = (GraphFilterModel) read;
    assertThat(r.kind()).isEqualTo("graph-filter");
    assertThat(r.provenance()).isEqualTo(m.provenance());
    BaselineModelFileTest.assertSameHistories(r.histories(), m.histories());
    assertThat(r.normalized().values()).isEqualTo(m.normalized().values());
    assertThat(r.normalizedTranspose().values()).isEqualTo(m.normalizedTranspose().values());
    assertThat(r.idealFactors()).isEqualTo(m.idealFactors());
    assertThat(r.idealWeight()).isEqualTo(0.25f);
    RecommendOptions o = RecommendOptions.excludeSeen(m.histories());
    for (int u = 0; u < m.numUsers(); u += 5) {
      assertThat(new GraphFilterRecommender(r).recommend(u, 6, o).scores())
          .containsExactly(new GraphFilterRecommender(m).recommend(u, 6, o).scores());
    }
  }

  @Test
  void constructorRejectsMismatchedParts() {
    Interactions h = Fixtures.randomInteractions(1, 10, 12, 0.3);
    CsrMatrix a = normalize(h);
    assertThatThrownBy(() -> new GraphFilterModel(Fixtures.provenance("gf"), h, a, new FactorMatrix(11, 3), 0.3f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idealFactors has 11 rows, expected one per item (12)");
    assertThatThrownBy(() -> new GraphFilterModel(Fixtures.provenance("gf"), h, a, new FactorMatrix(12, 3), -1f))
        .hasMessage("idealWeight must be finite and >= 0, got -1.0");
    CsrMatrix other = normalize(Fixtures.randomInteractions(2, 10, 12, 0.3));
    assertThatThrownBy(() -> new GraphFilterModel(Fixtures.provenance("gf"), h, other, new FactorMatrix(12, 3), 0.3f))
        .hasMessageContaining("does not have the pattern of the 10 x 12 histories");
    FactorMatrix bad = new FactorMatrix(12, 3);
    bad.set(4, 1, Float.NaN);
    assertThatThrownBy(() -> new GraphFilterModel(Fixtures.provenance("gf"), h, a, bad, 0.3f))
        .isInstanceOf(ModelFitException.class).hasMessageContaining("non-finite");
  }
}
