package dev.kindred.core;

import dev.kindred.math.TopKSelector;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;

/**
 * {@link RecommendOptions} prepared once per call for a catalog of {@code n} items: the candidate
 * list validated, sorted and de-duplicated, the exclude list sorted. Used by the recommenders that
 * score the whole catalog into one vector (item-item) or walk a fixed ranking (popularity).
 * Out-of-range entries of the exclude list are ignored, as in {@link FactorRecommender}; an
 * out-of-range candidate is an error. Immutable; shared by the threads of a call.
 */
final class ItemFilter {

  private final Interactions seen; // null: nothing excluded per user
  private final int[] excludeItems; // sorted, or null
  private final int[] candidates; // sorted and distinct, or null for all items

  private ItemFilter(Interactions seen, int[] excludeItems, int[] candidates) {
    this.seen = seen;
    this.excludeItems = excludeItems;
    this.candidates = candidates;
  }

  static ItemFilter of(RecommendOptions o, int n) {
    int[] ex = null;
    if (o.excludeItems() != null) {
      ex = o.excludeItems().clone();
      Arrays.sort(ex);
    }
    int[] cand = null;
    if (o.candidates() != null) {
      cand = o.candidates().clone();
      Arrays.sort(cand);
      int w = 0;
      for (int c = 0; c < cand.length; c++) {
        int item = cand[c];
        if (item < 0 || item >= n) {
          throw new IllegalArgumentException("candidate item index " + item + " outside [0, " + n + ")");
        }
        if (w == 0 || cand[w - 1] != item) cand[w++] = item;
      }
      cand = Arrays.copyOf(cand, w);
    }
    return new ItemFilter(o.exclude(), ex, cand);
  }

  /** Sorted distinct candidates, or null for every item. Shared; do not modify. */
  int[] candidates() {
    return candidates;
  }

  /** True if {@code item} may not be recommended to {@code user} (-1: no per-user exclusions). */
  boolean excluded(int user, int item) {
    if (seen != null && user >= 0 && user < seen.numUsers() && seen.contains(user, item)) return true;
    return excludeItems != null && Arrays.binarySearch(excludeItems, item) >= 0;
  }

  /** Sets the scores of items excluded for {@code user} to negative infinity. */
  void mask(int user, float[] scores, int n) {
    if (seen != null && user >= 0 && user < seen.numUsers()) {
      int[] ptr = seen.userPtr();
      int[] idx = seen.itemIdx();
      for (int p = ptr[user]; p < ptr[user + 1]; p++) {
        if (idx[p] < n) scores[idx[p]] = Float.NEGATIVE_INFINITY;
      }
    }
    if (excludeItems != null) {
      for (int it : excludeItems) {
        if (it >= 0 && it < n) scores[it] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /** The best of {@code scores[0..n)} (candidates only, when set); masked items never appear. */
  ScoredItems select(float[] scores, int n, TopKSelector top) {
    top.reset();
    if (candidates != null) {
      for (int item : candidates) top.offer(item, scores[item]);
    } else {
      top.offerAll(scores, 0, n, 0);
    }
    return drain(top);
  }

  /** The selector's content best first, without masked (negative infinity) entries; empties it. */
  static ScoredItems drain(TopKSelector top) {
    int[] ids = new int[top.size()];
    float[] sc = new float[top.size()];
    top.drainSorted(ids, sc);
    int m = ids.length;
    while (m > 0 && sc[m - 1] == Float.NEGATIVE_INFINITY) m--;
    return m == ids.length ? new ScoredItems(ids, sc) : new ScoredItems(Arrays.copyOf(ids, m), Arrays.copyOf(sc, m));
  }

  /** Runs {@code threads} copies of {@code worker} on a pool made for this call, closed before returning. */
  static void runParallel(Runnable worker, int threads, String name) {
    try (WorkerPool pool = WorkerPool.create(threads, name)) {
      pool.forEachThread(t -> worker.run());
    }
  }
}
