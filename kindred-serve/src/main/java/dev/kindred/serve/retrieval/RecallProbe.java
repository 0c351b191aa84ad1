package dev.kindred.serve.retrieval;

import dev.kindred.core.Interactions;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import java.util.SplittableRandom;

/**
 * Measures how much of the exact top-K an approximate recommender finds: recall@K over a seeded
 * sample of users, each list excluding the user's seen items when {@code seen} is given (as served).
 * Recall is pooled: the number of exact items found over the number of exact items, so users with
 * short lists weigh less.
 *
 * <p>Cost: the exact lists of the sample (one blocked batch, {@code 2 * users * items * dim} flops)
 * plus one approximate search per sampled user. Stateless and thread-safe.
 */
public final class RecallProbe {

  /**
   * What a probe found.
   *
   * @param users users sampled
   * @param k list length
   * @param recall pooled recall@K of the approximate lists against the exact ones, in [0, 1]
   * @param exactMillis wall time of the exact lists (all users, one batch)
   * @param approximateMillis wall time of the approximate lists (one query after another)
   */
  public record Report(int users, int k, double recall, double exactMillis, double approximateMillis) {}

  private RecallProbe() {}

  /** Samples {@code users} distinct users (all when fewer) with {@code seed} and compares the two recommenders. */
  public static Report measure(Recommender exact, Recommender approximate, int numUsers, Interactions seen,
      int users, int k, long seed, int threads) {
    if (users < 1 || k < 1) throw new IllegalArgumentException("users and k must be >= 1, got " + users + ", " + k);
    int[] sample = sample(numUsers, users, seed);
    RecommendOptions options = seen == null ? RecommendOptions.ALL : RecommendOptions.excludeSeen(seen);
    long t0 = System.nanoTime();
    ScoredItems[] truth = exact.recommendAll(sample, k, options, threads);
    long t1 = System.nanoTime();
    ScoredItems[] got = new ScoredItems[sample.length];
    for (int j = 0; j < sample.length; j++) got[j] = approximate.recommend(sample[j], k, options);
    long t2 = System.nanoTime();
    return new Report(sample.length, k, recall(truth, got), (t1 - t0) / 1e6, (t2 - t1) / 1e6);
  }

  /** Pooled recall of {@code got} against {@code truth}, list by list; 1 when every truth list is empty. */
  public static double recall(ScoredItems[] truth, ScoredItems[] got) {
    if (truth.length != got.length) {
      throw new IllegalArgumentException("expected " + truth.length + " lists, got " + got.length);
    }
    long hits = 0;
    long total = 0;
    for (int j = 0; j < truth.length; j++) {
      java.util.Set<Integer> want = new java.util.HashSet<>();
      for (int i : truth[j].items()) want.add(i);
      total += want.size();
      for (int i : got[j].items()) if (want.contains(i)) hits++;
    }
    return total == 0 ? 1.0 : (double) hits / total;
  }

  /** {@code min(n, users)} distinct indices in [0, n), a partial Fisher-Yates shuffle, sorted. */
  static int[] sample(int n, int users, long seed) {
    int m = Math.min(n, users);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < m; i++) {
      int j = i + rng.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] out = java.util.Arrays.copyOf(perm, m);
    java.util.Arrays.sort(out);
    return out;
  }
}
