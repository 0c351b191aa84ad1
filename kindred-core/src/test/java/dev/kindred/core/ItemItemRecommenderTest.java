package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Item-item top-K against brute force. Weights are multiples of 1/4 and values small integers, so
 * every score is exact in float in any summation order: lists must match exactly, ties broken by
 * the lower item index.
 */
class ItemItemRecommenderTest {

  /** A sparse model with random neighbour lists (weights in {-1, -0.75, ..., 2}). */
  static ItemItemModel sparseModel(long seed, int users, int items, boolean binary) {
    SplittableRandom rng = new SplittableRandom(seed);
    Interactions h = Fixtures.randomInteractions(seed, users, items, 0.2);
    int[] ptr = new int[items + 1];
    List<Integer> idx = new ArrayList<>();
    List<Float> w = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      for (int j = 0; j < items; j++) {
        if (j != i && rng.nextDouble() < 0.3) {
          idx.add(j);
          w.add((rng.nextInt(13) - 4) / 4f);
        }
      }
      ptr[i + 1] = idx.size();
    }
    float[] wa = new float[w.size()];
    for (int x = 0; x < wa.length; x++) wa[x] = w.get(x);
    return ItemItemModel.sparse(Fixtures.provenance("itemknn"), h, binary, ptr,
        idx.stream().mapToInt(Integer::intValue).toArray(), wa);
  }

  static ItemItemModel denseModel(long seed, int users, int items, boolean binary) {
    SplittableRandom rng = new SplittableRandom(seed);
    Interactions h = Fixtures.randomInteractions(seed, users, items, 0.2);
    float[] b = new float[items * items];
    for (int i = 0; i < items; i++) {
      for (int j = 0; j < items; j++) b[i * items + j] = i == j ? 0f : (rng.nextInt(13) - 4) / 4f;
    }
    return ItemItemModel.dense(Fixtures.provenance("ease"), h, binary, b);
  }

  /** score[j] = sum over the history of w * S[i][j], in double. */
  static double[] brute(ItemItemModel m, int[] items, float[] values) {
    int n = m.numItems();
    double[] s = new double[n];
    for (int x = 0; x < items.length; x++) {
      double w = m.binary() || values == null ? 1 : values[x];
      for (int j = 0; j < n; j++) s[j] += w * m.weight(items[x], j);
    }
    return s;
  }

  static double[] bruteUser(ItemItemModel m, int u) {
    Interactions h = m.histories();
    return brute(m, h.itemsOf(u), Arrays.copyOfRange(h.values(), h.userPtr()[u], h.userPtr()[u + 1]));
  }

  static void assertList(ScoredItems got, double[] exact, boolean[] allowed, int k, String what) {
    Integer[] order = IntStream.range(0, exact.length).filter(i -> allowed[i]).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -exact[i]).thenComparingInt(i -> i));
    int size = Math.min(k, order.length);
    assertThat(got.size()).as("size, %s", what).isEqualTo(size);
    for (int r = 0; r < size; r++) {
      assertThat(got.items()[r]).as("rank %d, %s", r, what).isEqualTo(order[r]);
      assertThat((double) got.scores()[r]).as("score at rank %d, %s", r, what).isEqualTo(exact[order[r]]);
    }
  }

  static boolean[] allowed(int n, Interactions seen, int u, int[] excludeItems, int[] candidates) {
    boolean[] a = new boolean[n];
    if (candidates == null) Arrays.fill(a, true);
    else for (int c : candidates) a[c] = true;
    if (seen != null) for (int i : seen.itemsOf(u)) a[i] = false;
    if (excludeItems != null) for (int i : excludeItems) if (i >= 0 && i < n) a[i] = false;
    return a;
  }

  static List<ItemItemModel> models() {
    return List.of(sparseModel(1, 30, 40, true), sparseModel(2, 25, 57, false), denseModel(3, 30, 40, true),
        denseModel(4, 20, 33, false), sparseModel(5, 3, 1, true), denseModel(6, 4, 1, false));
  }

  @Test
  void recommendMatchesBruteForceUnderEveryOption() {
    for (ItemItemModel m : models()) {
      ItemItemRecommender rec = new ItemItemRecommender(m);
      int n = m.numItems();
      int[] excl = {0, 3, n + 5, -1}; // out-of-range entries are ignored
      int[] cand = {n - 1, 0, n / 2, n / 2, Math.min(n - 1, 2)}; // duplicates count once
      for (int u = 0; u < m.numUsers(); u++) {
        double[] exact = bruteUser(m, u);
        for (int k : new int[] {1, 5, n + 3}) {
          String what = m.layout() + " binary=" + m.binary() + " user " + u + " k " + k;
          assertList(rec.recommend(u, k, RecommendOptions.ALL), exact, allowed(n, null, u, null, null), k, what);
          RecommendOptions seen = RecommendOptions.excludeSeen(m.histories());
          assertList(rec.recommend(u, k, seen), exact, allowed(n, m.histories(), u, null, null), k, what + " seen");
          assertList(rec.recommend(u, k, seen.withExcludeItems(excl)), exact,
              allowed(n, m.histories(), u, excl, null), k, what + " seen+list");
          assertList(rec.recommend(u, k, RecommendOptions.ALL.withCandidates(cand)), exact,
              allowed(n, null, u, null, cand), k, what + " candidates");
          assertList(rec.recommend(u, k, seen.withCandidates(cand).withExcludeItems(excl)), exact,
              allowed(n, m.histories(), u, excl, cand), k, what + " all options");
        }
      }
    }
  }

  @Test
  void recommendAllEqualsPerUserForAnyThreadCount() {
    for (ItemItemModel m : models()) {
      ItemItemRecommender rec = new ItemItemRecommender(m);
      int[] users = IntStream.range(0, m.numUsers()).map(u -> m.numUsers() - 1 - u).toArray();
      RecommendOptions o = RecommendOptions.excludeSeen(m.histories()).withExcludeItems(new int[] {1});
      for (int threads : new int[] {1, 3}) {
        ScoredItems[] all = rec.recommendAll(users, 7, o, threads);
        for (int j = 0; j < users.length; j++) {
          ScoredItems one = rec.recommend(users[j], 7, o);
          assertThat(all[j].items()).as("user %d threads %d", users[j], threads).containsExactly(one.items());
          assertThat(all[j].scores()).containsExactly(one.scores());
        }
      }
    }
  }

  @Test
  void foldInOfATrainingHistoryEqualsRecommendWithSeenExcluded() {
    for (ItemItemModel m : models()) {
      ItemItemRecommender rec = new ItemItemRecommender(m);
      Interactions h = m.histories();
      for (int u = 0; u < m.numUsers(); u++) {
        float[] vals = Arrays.copyOfRange(h.values(), h.userPtr()[u], h.userPtr()[u + 1]);
        ScoredItems fold = rec.recommendFromHistory(h.itemsOf(u), vals, 6, RecommendOptions.ALL);
        ScoredItems direct = rec.recommend(u, 6, RecommendOptions.excludeSeen(h));
        assertThat(fold.items()).as("user %d", u).containsExactly(direct.items());
        assertThat(fold.scores()).containsExactly(direct.scores());
        int[] every = java.util.stream.IntStream.range(0, m.numItems()).toArray();
        float[] scored = rec.scoreFromHistory(h.itemsOf(u), vals, every);
        for (int i : every) assertThat(scored[i]).as("user %d item %d", u, i).isEqualTo(m.score(u, i));
      }
    }
  }

  @Test
  void foldInUsesValuesOnlyForNonBinaryModels() {
    ItemItemModel weighted = sparseModel(2, 25, 57, false);
    int[] items = {3, 10, 11};
    float[] values = {2, 1, 3};
    int n = weighted.numItems();
    boolean[] ok = allowed(n, null, -1, new int[] {9}, null);
    for (int i : items) ok[i] = false;
    ScoredItems got = new ItemItemRecommender(weighted).recommendFromHistory(items, values, 8,
        RecommendOptions.ALL.withExcludeItems(new int[] {9}));
    assertList(got, brute(weighted, items, values), ok, 8, "weighted");
    ItemItemModel binary = sparseModel(2, 25, 57, true);
    assertList(new ItemItemRecommender(binary).recommendFromHistory(items, values, 8,
        RecommendOptions.ALL.withExcludeItems(new int[] {9})), brute(binary, items, null), ok, 8, "binary");
    assertThat(new ItemItemRecommender(binary).recommendFromHistory(items, null, 8, RecommendOptions.ALL).items())
        .doesNotContain(3, 10, 11);
  }

  @Test
  void similarItemsAreTheNeighbourListOrTheDenseColumn() {
    ItemItemModel sparse = sparseModel(1, 30, 40, true);
    ItemItemRecommender rs = new ItemItemRecommender(sparse);
    for (int i = 0; i < sparse.numItems(); i++) {
      double[] row = new double[sparse.numItems()];
      boolean[] ok = new boolean[row.length];
      for (int p = sparse.neighbourPtr()[i]; p < sparse.neighbourPtr()[i + 1]; p++) {
        row[sparse.neighbourIdx()[p]] = sparse.neighbourWeights()[p];
        ok[sparse.neighbourIdx()[p]] = true;
      }
      assertList(rs.similarItems(i, 5), row, ok, 5, "sparse item " + i);
    }
    ItemItemModel dense = denseModel(3, 30, 40, true);
    ItemItemRecommender rd = new ItemItemRecommender(dense);
    int n = dense.numItems();
    for (int i = 0; i < n; i++) {
      double[] col = new double[n];
      boolean[] ok = new boolean[n];
      for (int j = 0; j < n; j++) {
        col[j] = dense.denseWeights()[j * n + i];
        ok[j] = j != i;
      }
      assertList(rd.similarItems(i, 6), col, ok, 6, "dense item " + i);
    }
  }

  @Test
  void scoreIsTheSumOverTheHistory() {
    for (ItemItemModel m : models()) {
      for (int u = 0; u < m.numUsers(); u++) {
        double[] exact = bruteUser(m, u);
        for (int j = 0; j < m.numItems(); j++) assertThat((double) m.score(u, j)).isEqualTo(exact[j]);
      }
    }
  }

  @Test
  void recommendersOfDispatchOnTheKind() {
    assertThat(Recommenders.of(sparseModel(1, 5, 6, true))).isInstanceOf(ItemItemRecommender.class);
  }

  @Test
  void rejectsBrokenLayouts() {
    Interactions h = Fixtures.randomInteractions(1, 3, 3, 0.5);
    Provenance p = Fixtures.provenance("itemknn");
    assertThatThrownBy(() -> ItemItemModel.sparse(p, h, true, new int[] {0, 1, 1, 1}, new int[] {0}, new float[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("item 0: neighbours must be increasing, < 3 and not the item itself, got 0 after -1");
    assertThatThrownBy(() -> ItemItemModel.sparse(p, h, true, new int[] {0, 2, 2, 2}, new int[] {2, 1},
        new float[] {1, 1})).hasMessageContaining("got 1 after 2");
    assertThatThrownBy(() -> ItemItemModel.sparse(p, h, true, new int[] {0, 1, 1}, new int[] {1}, new float[] {1}))
        .hasMessage("neighbourPtr must have 4 entries from 0 to 1, got length 3");
    assertThatThrownBy(() -> ItemItemModel.sparse(p, h, true, new int[] {0, 1, 1, 1}, new int[] {1},
        new float[] {Float.NaN})).hasMessage("item 0: non-finite weight NaN for neighbour 1");
    assertThatThrownBy(() -> ItemItemModel.dense(p, h, true, new float[8]))
        .hasMessage("dense weights must have 3 x 3 entries (at most 46340 items), got 8");
    float[] diag = new float[9];
    diag[4] = 0.5f;
    assertThatThrownBy(() -> ItemItemModel.dense(p, h, true, diag))
        .hasMessage("dense weights must have a zero diagonal, item 1 has 0.5");
    float[] inf = new float[9];
    inf[5] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> ItemItemModel.dense(p, h, true, inf)).isInstanceOf(ModelFitException.class)
        .hasMessageContaining("non-finite weight Infinity at (1, 2)");
  }

  @Test
  void rejectsBadArguments() {
    ItemItemRecommender rec = new ItemItemRecommender(sparseModel(1, 30, 40, true));
    assertThatThrownBy(() -> rec.recommend(30, 5, RecommendOptions.ALL)).hasMessage("user index 30 outside [0, 30)");
    assertThatThrownBy(() -> rec.recommend(0, 0, RecommendOptions.ALL)).hasMessage("k must be positive, got 0");
    assertThatThrownBy(() -> rec.recommend(0, 3, RecommendOptions.ALL.withCandidates(new int[] {40})))
        .hasMessage("candidate item index 40 outside [0, 40)");
    assertThatThrownBy(() -> rec.recommendFromHistory(new int[] {1, 40}, null, 3, RecommendOptions.ALL))
        .hasMessage("history item index 40 at position 1 outside [0, 40)");
    assertThatThrownBy(() -> rec.recommendFromHistory(new int[] {1}, new float[2], 3, RecommendOptions.ALL))
        .hasMessage("values has 2 entries, items 1");
    assertThatThrownBy(() -> rec.similarItems(-1, 3)).hasMessage("item index -1 outside [0, 40)");
  }
}
