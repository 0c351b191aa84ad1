package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.math.FactorMatrix;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Exact top-K against brute force: every score computed in double with plain loops, then sorted.
 *
 * <p>Tolerance: a returned score may differ from the double-precision score by {@value #REL_TOL}
 * of the magnitude {@code |mu| + |b_u| + |b_i| + sum |p_uc q_ic|} (float dot products in another
 * summation order). The ranking is checked up to that tolerance: the r-th returned score equals the
 * r-th best brute-force score, so near-ties may come in either order but no better item is missed.
 */
class FactorRecommenderTest {

  static final double REL_TOL = 1e-5;

  /** (users, items, dim): tiny, odd dims, lane multiples, and item counts around ITEM_TILE = 1024. */
  static final int[][] SHAPES = {
      {3, 1, 3}, {20, 7, 1}, {30, 100, 16}, {12, 1024, 32}, {12, 1025, 33}, {25, 2100, 64}, {8, 3001, 7}};

  static double[] bruteScores(LatentFactorModel m, int u, double[] mags) {
    int n = m.numItems();
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      double dot = 0;
      double mag = Math.abs(m.globalMean()) + Math.abs(m.userBias(u)) + Math.abs(m.itemBias(i));
      for (int c = 0; c < m.dim(); c++) {
        double t = (double) m.userFactors().get(u, c) * m.itemFactors().get(i, c);
        dot += t;
        mag += Math.abs(t);
      }
      s[i] = m.globalMean() + m.userBias(u) + m.itemBias(i) + dot;
      mags[i] = mag;
    }
    return s;
  }

  /** Checks {@code got} is a top-{@code k} of {@code exact} over the allowed items. */
  static void assertTopK(ScoredItems got, double[] exact, double[] mags, boolean[] allowed, int k, String what) {
    Integer[] order = IntStream.range(0, exact.length).filter(i -> allowed[i]).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -exact[i]).thenComparingInt(i -> i));
    int expectedSize = Math.min(k, order.length);
    assertThat(got.size()).as("size, %s", what).isEqualTo(expectedSize);
    assertThat(got.items()).as("distinct items, %s", what).doesNotHaveDuplicates();
    double maxMag = Arrays.stream(mags).max().orElse(0);
    // Plain comparisons in the loop (k may be thousands); fail() says which check broke.
    for (int r = 0; r < expectedSize; r++) {
      int item = got.items()[r];
      float score = got.scores()[r];
      if (!allowed[item]) {
        fail("item %d at rank %d is not allowed, %s", item, r, what);
      }
      if (!(Math.abs(score - exact[item]) <= REL_TOL * mags[item])) {
        fail("item %d: score %s, exact %s, tolerance %s, %s", item, score, exact[item], REL_TOL * mags[item], what);
      }
      if (!(Math.abs(score - exact[order[r]]) <= REL_TOL * maxMag)) {
        fail("rank %d: item %d scores %s but the %d-th best exact score is %s (item %d), %s", r, item, score, r,
            exact[order[r]], order[r], what);
      }
      if (r > 0 && score > got.scores()[r - 1]) {
        fail("rank %d scores %s above rank %d's %s, %s", r, score, r - 1, got.scores()[r - 1], what);
      }
    }
  }

  static boolean[] all(int n) {
    boolean[] a = new boolean[n];
    Arrays.fill(a, true);
    return a;
  }

  @Test
  void recommendEqualsBruteForce() {
    for (int[] shape : SHAPES) {
      for (boolean biases : new boolean[] {true, false}) {
        LatentFactorModel m = Fixtures.model(shape[1] * 31L + shape[2], shape[0], shape[1], shape[2], biases);
        FactorRecommender rec = new FactorRecommender(m);
        for (int u = 0; u < m.numUsers(); u++) {
          double[] mags = new double[m.numItems()];
          double[] exact = bruteScores(m, u, mags);
          for (int k : new int[] {1, 10, m.numItems(), m.numItems() + 5}) {
            String what = Arrays.toString(shape) + (biases ? " biased" : "") + " user " + u + " k " + k;
            assertTopK(rec.recommend(u, k, RecommendOptions.ALL), exact, mags, all(m.numItems()), k, what);
          }
        }
      }
    }
  }

  @Test
  void exclusionsAndCandidatesAreHonoured() {
    for (int[] shape : SHAPES) {
      LatentFactorModel m = Fixtures.model(shape[1] + 7L * shape[2], shape[0], shape[1], shape[2], true);
      int n = m.numItems();
      FactorRecommender rec = new FactorRecommender(m);
      Interactions seen = Fixtures.randomInteractions(shape[1], m.numUsers(), n, 0.3);
      SplittableRandom rng = new SplittableRandom(shape[1]);
      int[] excludeItems = rng.ints(1 + n / 10, 0, n).toArray();
      int[] candidates = rng.ints(1 + n / 3, 0, n).distinct().toArray();
      for (int u = 0; u < m.numUsers(); u++) {
        double[] mags = new double[n];
        double[] exact = bruteScores(m, u, mags);
        boolean[] unseen = all(n);
        for (int item : seen.itemsOf(u)) unseen[item] = false;
        boolean[] notListed = all(n);
        for (int item : excludeItems) notListed[item] = false;
        boolean[] inCandidates = new boolean[n];
        for (int item : candidates) inCandidates[item] = true;
        boolean[] both = new boolean[n];
        boolean[] all3 = new boolean[n];
        for (int i = 0; i < n; i++) {
          both[i] = unseen[i] && notListed[i];
          all3[i] = both[i] && inCandidates[i];
        }
        for (int k : new int[] {1, 5, n}) {
          String what = Arrays.toString(shape) + " user " + u + " k " + k;
          RecommendOptions exSeen = RecommendOptions.excludeSeen(seen);
          assertTopK(rec.recommend(u, k, exSeen), exact, mags, unseen, k, "exclude seen " + what);
          assertTopK(rec.recommend(u, k, RecommendOptions.ALL.withExcludeItems(excludeItems)), exact, mags, notListed, k,
              "exclude list " + what);
          assertTopK(rec.recommend(u, k, exSeen.withExcludeItems(excludeItems)), exact, mags, both, k, "both " + what);
          assertTopK(rec.recommend(u, k, RecommendOptions.ALL.withCandidates(candidates)), exact, mags, inCandidates, k,
              "candidates " + what);
          assertTopK(rec.recommend(u, k, exSeen.withExcludeItems(excludeItems).withCandidates(candidates)), exact, mags,
              all3, k, "candidates and exclusions " + what);
        }
      }
    }
  }

  @Test
  void usersBeyondTheExclusionDataExcludeNothing() {
    LatentFactorModel m = Fixtures.model(3, 6, 50, 8, true);
    FactorRecommender rec = new FactorRecommender(m);
    Interactions seen = Fixtures.randomInteractions(4, 3, 50, 0.5); // covers users 0..2 only
    ScoredItems got = rec.recommend(5, 50, RecommendOptions.excludeSeen(seen));
    assertThat(got.items()).containsExactly(rec.recommend(5, 50, RecommendOptions.ALL).items());
  }

  /** Regression: a candidate listed twice came back twice in the ranked list. */
  @Test
  void repeatedCandidatesAreRecommendedOnce() {
    LatentFactorModel m = Fixtures.model(5, 2, 30, 4, false);
    FactorRecommender rec = new FactorRecommender(m);
    ScoredItems got = rec.recommend(0, 10, RecommendOptions.ALL.withCandidates(new int[] {7, 3, 7, 12, 3}));
    assertThat(got.items()).containsExactlyInAnyOrder(3, 7, 12);
  }

  @Test
  void recommendAllEqualsPerUserRecommend() {
    // Item counts around the batch path's panel width (64 on AVX-512) and tile (1024), k = 1 and 7.
    for (int[] shape : new int[][] {{70, 2100, 64}, {40, 1025, 33}, {5, 9, 3}, {6, 65, 1}, {37, 1025, 7}}) {
      LatentFactorModel m = Fixtures.model(shape[0], shape[0], shape[1], shape[2], true);
      FactorRecommender rec = new FactorRecommender(m);
      SplittableRandom rng = new SplittableRandom(shape[1]);
      // More users than one block of 32, some repeated, in no particular order.
      int[] users = rng.ints(shape[0] + 13, 0, shape[0]).toArray();
      Interactions seen = Fixtures.randomInteractions(1, shape[0], shape[1], 0.1);
      int[] candidates = rng.ints(20, 0, shape[1]).distinct().toArray();
      RecommendOptions[] options = {RecommendOptions.ALL, RecommendOptions.excludeSeen(seen),
          RecommendOptions.excludeSeen(seen).withExcludeItems(new int[] {0, 1, 2}),
          RecommendOptions.ALL.withCandidates(candidates)};
      for (RecommendOptions o : options) {
        for (int k : new int[] {1, 10, shape[1] + 1}) {
          for (int threads : new int[] {1, 2}) {
            ScoredItems[] batch = rec.recommendAll(users, k, o, threads);
            assertThat(batch).hasSize(users.length);
            for (int j = 0; j < users.length; j++) {
              ScoredItems single = rec.recommend(users[j], k, o);
              String what = Arrays.toString(shape) + " " + o + " k " + k + " threads " + threads + " row " + j;
              assertSameRanking(batch[j], single, tolerance(m, users[j]), what);
            }
          }
        }
      }
      assertThat(rec.recommendAll(new int[0], 5, RecommendOptions.ALL, 2)).isEmpty();
    }
  }

  @Test
  void recommendVectorsEqualsEachQueryScoredAlone() {
    // A mixed batch as a server would combine it: known users and folded-in histories, each with its
    // own k and exclusions, some with candidate lists; more queries than one user block (128).
    for (int[] shape : new int[][] {{150, 2100, 64}, {20, 1025, 33}, {7, 9, 3}}) {
      LatentFactorModel m = FoldInTest.withRule(Fixtures.model(shape[0] + 1, shape[0], shape[1], shape[2], true),
          new FoldInRule.Ridge(0.1f, true, 1f, false));
      FactorRecommender rec = new FactorRecommender(m);
      SplittableRandom rng = new SplittableRandom(shape[1] + 3);
      Interactions seen = Fixtures.randomInteractions(3, shape[0], shape[1], 0.1);
      int n = shape[0] + 9;
      FactorRecommender.Query[] queries = new FactorRecommender.Query[n + 2]; // two unused slots
      for (int j = 0; j < n; j++) {
        int k = 1 + rng.nextInt(Math.min(30, shape[1] + 2));
        RecommendOptions o = switch (j % 4) {
          case 0 -> RecommendOptions.ALL;
          case 1 -> RecommendOptions.excludeSeen(seen);
          case 2 -> RecommendOptions.excludeSeen(seen).withExcludeItems(new int[] {j % shape[1], 0});
          default -> RecommendOptions.ALL.withCandidates(rng.ints(5, 0, shape[1]).toArray());
        };
        queries[j] = j % 3 == 2
            ? rec.queryForHistory(rng.ints(3, 0, shape[1]).distinct().toArray(), null, k, o)
            : rec.queryForUser(rng.nextInt(shape[0]), k, o);
      }
      ScoredItems[] batch = rec.recommendVectors(queries, n);
      assertThat(batch).hasSize(n);
      for (int j = 0; j < n; j++) {
        ScoredItems alone = rec.recommend(queries[j]);
        double tol = queries[j].user() >= 0 ? tolerance(m, queries[j].user()) : 1e-4;
        assertSameRanking(batch[j], alone, tol, Arrays.toString(shape) + " query " + j);
      }
      assertThat(rec.recommendVectors(queries, 0)).isEmpty();
      assertThatThrownBy(() -> rec.recommendVectors(queries, queries.length + 1))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  /**
   * A model read from a file (factors in the mapping, bf16) answers combined queries from the
   * mapping: the same lists as one query at a time, and no item panels packed onto the heap.
   */
  @Test
  void recommendVectorsOfAMappedModelScansTheMapping(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    LatentFactorModel heap = Fixtures.model(5, 40, 1500, 32, true);
    java.nio.file.Path file = dir.resolve("m.kindred");
    ModelFile.write(heap, file, dev.kindred.math.FactorPrecision.BF16);
    LatentFactorModel mapped = (LatentFactorModel) ModelFile.read(file);
    assertThat(mapped.itemStore()).isNotInstanceOf(FactorMatrix.class);
    FactorRecommender rec = new FactorRecommender(mapped);
    FactorRecommender.Query[] queries = new FactorRecommender.Query[12];
    for (int j = 0; j < queries.length; j++) {
      queries[j] = rec.queryForUser(j * 3, 10, j % 2 == 0 ? RecommendOptions.ALL
          : RecommendOptions.ALL.withExcludeItems(new int[] {j, 7}));
    }
    ScoredItems[] batch = rec.recommendVectors(queries, queries.length);
    for (int j = 0; j < queries.length; j++) {
      ScoredItems alone = rec.recommend(queries[j]);
      assertSameRanking(batch[j], alone, tolerance(heap, j * 3), "mapped query " + j);
    }
    assertThat(rec.packedItems()).as("item panels copied to the heap").isFalse();
  }

  @Test
  void foldInVectorRanksLikeTheModelUser() {
    LatentFactorModel m = Fixtures.model(8, 4, 1500, 24, true);
    FactorRecommender rec = new FactorRecommender(m);
    Interactions seen = Fixtures.randomInteractions(2, 4, 1500, 0.2);
    float[] v = new float[30];
    m.userFactors().copyRow(2, v, 5);
    ScoredItems direct = rec.recommend(2, 20, RecommendOptions.ALL);
    // user = -1: options.exclude() applies to nobody.
    ScoredItems folded = rec.recommendVector(v, 5, m.globalMean() + m.userBias(2), -1, 20, RecommendOptions.excludeSeen(seen));
    assertSameRanking(folded, direct, tolerance(m, 2), "fold-in");
  }

  /** {@value #REL_TOL} of the largest score magnitude of the user. */
  static double tolerance(LatentFactorModel m, int u) {
    double[] mags = new double[m.numItems()];
    bruteScores(m, u, mags);
    return REL_TOL * Arrays.stream(mags).max().orElse(0);
  }

  /**
   * Two rankings of the same scores by different code paths. They are not bit-identical: the
   * Vector API's lane reduction may sum in another order once C2 compiles it, so the same dot
   * product can differ by an ulp between calls. Scores must agree rank by rank within
   * {@code tol}, every item in both lists must have the same score in both, and an item in only
   * one list must be a near-tie with the last kept score.
   */
  static void assertSameRanking(ScoredItems a, ScoredItems b, double tol, String what) {
    assertThat(a.size()).as("size, %s", what).isEqualTo(b.size());
    Map<Integer, Float> inB = new HashMap<>();
    for (int r = 0; r < b.size(); r++) inB.put(b.items()[r], b.scores()[r]);
    for (int r = 0; r < a.size(); r++) {
      if (!(Math.abs(a.scores()[r] - b.scores()[r]) <= tol)) {
        fail("rank %d: score %s vs %s, tolerance %s, %s", r, a.scores()[r], b.scores()[r], tol, what);
      }
      Float other = inB.get(a.items()[r]);
      if (other != null ? !(Math.abs(a.scores()[r] - other) <= tol)
          : !(a.scores()[r] <= b.scores()[b.size() - 1] + 2 * tol)) {
        fail("item %d (rank %d, score %s) scores %s in the other list, %s", a.items()[r], r, a.scores()[r], other, what);
      }
    }
  }

  static double cosine(FactorMatrix q, int a, int b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int c = 0; c < q.dim(); c++) {
      dot += (double) q.get(a, c) * q.get(b, c);
      na += (double) q.get(a, c) * q.get(a, c);
      nb += (double) q.get(b, c) * q.get(b, c);
    }
    return na * nb > 0 ? dot / Math.sqrt(na * nb) : 0;
  }

  /** Cosine in [-1, 1]; float rounding of dot and norms stays far below the 1e-5 tolerance. */
  @Test
  void similarItemsEqualsBruteForceCosine() {
    for (int[] shape : SHAPES) {
      LatentFactorModel m = Fixtures.model(shape[1] * 3L + shape[2], 1, shape[1], shape[2], true);
      int n = m.numItems();
      FactorRecommender rec = new FactorRecommender(m);
      for (int item : new int[] {0, n / 2, n - 1}) {
        double[] exact = new double[n];
        double[] mags = new double[n];
        for (int j = 0; j < n; j++) {
          exact[j] = cosine(m.itemFactors(), item, j);
          mags[j] = 1; // REL_TOL * 1 = 1e-5 absolute on a cosine
        }
        boolean[] others = all(n);
        others[item] = false;
        for (int k : new int[] {1, 10, n}) {
          ScoredItems got = rec.similarItems(item, k);
          assertTopK(got, exact, mags, others, k, Arrays.toString(shape) + " item " + item + " k " + k);
          assertThat(got.items()).doesNotContain(item);
        }
      }
    }
  }

  @Test
  void similarItemsOfAZeroVectorScoresZero() {
    FactorMatrix p = new FactorMatrix(1, 2);
    FactorMatrix q = new FactorMatrix(4, 2);
    q.setRow(1, new float[] {1, 0}, 0);
    q.setRow(2, new float[] {0, 1}, 0);
    q.setRow(3, new float[] {1, 1}, 0);
    LatentFactorModel m = new LatentFactorModel(Fixtures.provenance("als"), IdIndex.identity(1), IdIndex.identity(4), 0f,
        null, null, p, q);
    FactorRecommender rec = new FactorRecommender(m);
    ScoredItems zero = rec.similarItems(0, 3);
    assertThat(zero.items()).containsExactly(1, 2, 3);
    assertThat(zero.scores()).containsOnly(0f);
    ScoredItems one = rec.similarItems(1, 3);
    assertThat(one.items()).containsExactly(3, 0, 2);
    assertThat(one.scores()[0]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
    assertThat(one.scores()[1]).isZero();
    assertThat(new FactorRecommender(Fixtures.model(1, 1, 1, 3, false)).similarItems(0, 5).size())
        .as("the only item has no neighbours").isZero();
  }

  @Test
  void badArgumentsAreRejected() {
    FactorRecommender rec = new FactorRecommender(Fixtures.model(1, 3, 10, 4, false));
    assertThatThrownBy(() -> rec.recommend(3, 5, RecommendOptions.ALL)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("user index 3 outside [0, 3)");
    assertThatThrownBy(() -> rec.recommend(0, 0, RecommendOptions.ALL)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k must be positive, got 0");
    assertThatThrownBy(() -> rec.recommend(0, 5, RecommendOptions.ALL.withCandidates(new int[] {2, 10})))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("candidate item index 10 outside [0, 10)");
    assertThatThrownBy(() -> rec.recommendAll(new int[] {0, -1}, 5, RecommendOptions.ALL, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("user index -1 outside [0, 3)");
    assertThatThrownBy(() -> rec.recommendAll(new int[] {0}, 5, RecommendOptions.ALL, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("k and threads must be positive, got k=5 threads=0");
    assertThatThrownBy(() -> rec.similarItems(10, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("item index 10 outside [0, 10)");
    assertThatThrownBy(() -> rec.similarItems(0, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k must be positive, got -1");
    assertThatThrownBy(() -> new ScoredItems(new int[2], new float[1])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("items and scores differ in length");
  }
}
