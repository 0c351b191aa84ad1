package dev.kindred.core;

import dev.kindred.math.TopKSelector;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recommends the most popular items a user has not excluded. Every user shares one ranking, sorted
 * once at construction (score descending, lower index first among ties), so a list costs
 * {@code O(k + skipped)} membership tests instead of a pass over the catalog; with a candidate set
 * the candidates are ranked instead. {@link #similarItems} returns the most popular other items
 * (popularity knows nothing of similarity; this keeps the API total). Fold-in needs no parameters:
 * the given history only adds exclusions. Thread-safe.
 */
public final class PopularityRecommender implements Recommender {

  private static final int USER_BLOCK = 64;

  private final PopularityModel model;
  private final int[] ranking; // every item, best first

  public PopularityRecommender(PopularityModel model) {
    this.model = Objects.requireNonNull(model, "model");
    float[] s = model.itemScores();
    // Sort keys: score bits flipped so ascending order is descending score, index as tie-break.
    long[] keys = new long[s.length];
    for (int i = 0; i < s.length; i++) keys[i] = (long) descendingKey(s[i]) << 32 | i;
    Arrays.sort(keys);
    ranking = new int[s.length];
    for (int r = 0; r < s.length; r++) ranking[r] = (int) keys[r];
  }

  /** An int whose signed order is the reverse of the float order (finite scores). */
  private static int descendingKey(float f) {
    int bits = Float.floatToIntBits(f + 0f); // +0f folds -0 into 0
    int ordered = bits >= 0 ? bits : bits ^ 0x7FFFFFFF; // signed int order == float order
    return ~ordered;
  }

  public PopularityModel model() {
    return model;
  }

  @Override
  public ScoredItems recommend(int user, int k, RecommendOptions options) {
    checkUser(user);
    ItemItemRecommender.checkK(k);
    return top(user, null, k, ItemFilter.of(options, model.numItems()));
  }

  @Override
  public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads) {
    if (k <= 0 || threads <= 0) {
      throw new IllegalArgumentException("k and threads must be positive, got k=" + k + " threads=" + threads);
    }
    for (int u : users) checkUser(u);
    ItemFilter filter = ItemFilter.of(options, model.numItems());
    ScoredItems[] out = new ScoredItems[users.length];
    int blocks = (users.length + USER_BLOCK - 1) / USER_BLOCK;
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int b; (b = next.getAndIncrement()) < blocks; ) {
        for (int j = b * USER_BLOCK, end = Math.min(users.length, j + USER_BLOCK); j < end; j++) {
          out[j] = top(users[j], null, k, filter);
        }
      }
    };
    ItemFilter.runParallel(worker, Math.min(threads, Math.max(1, blocks)), "kindred-recommend");
    return out;
  }

  /** The most popular items outside the given history and the options' exclusions. */
  @Override
  public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options) {
    ItemItemRecommender.checkK(k);
    ItemItemRecommender.checkHistory(items, values, model.numItems());
    int[] own = items.clone();
    Arrays.sort(own);
    return top(-1, own, k, ItemFilter.of(options, model.numItems()));
  }

  /** The items' popularity scores: the same for every user, so the history only gets checked. */
  @Override
  public float[] scoreFromHistory(int[] items, float[] values, int[] candidates) {
    int n = model.numItems();
    ItemItemRecommender.checkHistory(items, values, n);
    ItemItemRecommender.checkItems(candidates, "candidate", n);
    float[] out = new float[candidates.length];
    for (int j = 0; j < candidates.length; j++) out[j] = model.itemScores()[candidates[j]];
    return out;
  }

  /** The most popular items other than {@code item}, by popularity. */
  @Override
  public ScoredItems similarItems(int item, int k) {
    int n = model.numItems();
    if (item < 0 || item >= n) {
      throw new IllegalArgumentException("item index " + item + " outside [0, " + n + ")");
    }
    ItemItemRecommender.checkK(k);
    return top(-1, new int[] {item}, k, ItemFilter.of(RecommendOptions.ALL, n));
  }

  /** The best {@code k} items allowed for {@code user} and not in {@code own} (sorted, or null). */
  private ScoredItems top(int user, int[] own, int k, ItemFilter filter) {
    float[] s = model.itemScores();
    int[] cand = filter.candidates();
    if (cand != null) {
      TopKSelector sel = new TopKSelector(Math.max(1, Math.min(k, cand.length)));
      for (int item : cand) {
        if (!filter.excluded(user, item) && (own == null || Arrays.binarySearch(own, item) < 0)) sel.offer(item, s[item]);
      }
      return ItemFilter.drain(sel);
    }
    int[] ids = new int[Math.min(k, ranking.length)];
    int m = 0;
    for (int r = 0; r < ranking.length && m < ids.length; r++) {
      int item = ranking[r];
      if (filter.excluded(user, item) || (own != null && Arrays.binarySearch(own, item) >= 0)) continue;
      ids[m++] = item;
    }
    float[] sc = new float[m];
    for (int j = 0; j < m; j++) sc[j] = s[ids[j]];
    return new ScoredItems(m == ids.length ? ids : Arrays.copyOf(ids, m), sc);
  }

  private void checkUser(int user) {
    if (user < 0 || user >= model.numUsers()) {
      throw new IllegalArgumentException("user index " + user + " outside [0, " + model.numUsers() + ")");
    }
  }
}
