package dev.kindred.eval;

import dev.kindred.core.Interactions;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Leave-one-out evaluation with sampled negatives, the protocol of NCF (He et al., WWW 2017):
 * each test pair (u, i) is ranked among {@code i} and {@code negatives} items drawn uniformly from
 * the items {@code u} has not interacted with in train or test; HR@K, NDCG@K and MRR@K are
 * averaged over test pairs.
 *
 * <p>Sampled metrics overstate quality and can even reorder models (Krichene and Rendle, KDD
 * 2020, doi:10.1145/3394486.3403226): report them as sampled, next to full-ranking metrics where
 * possible. Results carry the keys {@code hr@K}, {@code ndcg@K}, {@code mrr@K}, {@code auc}
 * (the fraction of sampled negatives ranked below the test item), {@code pairs_evaluated} and
 * {@code negatives}.
 */
public final class SampledEvaluator {

  private SampledEvaluator() {}

  /**
   * @param negatives sampled negatives per test pair (NCF: 99)
   * @param seed seed of the negative samples
   */
  public static Map<String, Double> evaluate(Recommender rec, Interactions train, Interactions test, int[] ks,
      int negatives, long seed) {
    if (negatives < 1) throw new IllegalArgumentException("negatives must be >= 1, got " + negatives);
    if (ks.length == 0) throw new IllegalArgumentException("give at least one K");
    int numItems = train.numItems();
    int maxK = Arrays.stream(ks).max().orElseThrow();
    double[] hr = new double[ks.length];
    double[] ndcg = new double[ks.length];
    double[] mrr = new double[ks.length];
    double auc = 0;
    long pairs = 0;
    SplittableRandom rng = new SplittableRandom(seed);
    int[] tp = test.userPtr();
    int[] ti = test.itemIdx();
    for (int u = 0; u < test.numUsers(); u++) {
      if (tp[u] == tp[u + 1]) continue;
      int seenCount = (u < train.numUsers() ? train.userDegree(u) : 0) + (tp[u + 1] - tp[u]);
      if (numItems - seenCount < negatives) continue; // not enough unseen items to sample from
      for (int j = tp[u]; j < tp[u + 1]; j++) {
        int target = ti[j];
        int[] cand = new int[negatives + 1];
        cand[0] = target;
        int filled = 1;
        while (filled <= negatives) {
          int x = rng.nextInt(numItems);
          if (isSeen(train, u, x) || isSeen(test, u, x) || contains(cand, filled, x)) continue;
          cand[filled++] = x;
        }
        // Candidates restrict the ranking; nothing else is excluded (all candidates are unseen).
        ScoredItems top = rec.recommend(u, negatives + 1, new RecommendOptions(null, null, cand));
        int rank = -1;
        for (int r = 0; r < top.size(); r++) {
          if (top.items()[r] == target) {
            rank = r;
            break;
          }
        }
        pairs++;
        if (rank >= 0) auc += (double) (negatives - rank) / negatives;
        for (int x = 0; x < ks.length; x++) {
          if (rank >= 0 && rank < ks[x]) {
            hr[x] += 1;
            ndcg[x] += 1.0 / (Math.log(rank + 2) / Math.log(2));
            mrr[x] += 1.0 / (rank + 1);
          }
        }
      }
    }
    if (pairs == 0) throw new IllegalArgumentException("no test pair could be evaluated (too few unseen items?)");
    Map<String, Double> out = new LinkedHashMap<>();
    int[] order = ks.clone();
    Arrays.sort(order);
    for (int k : order) {
      int x = indexOf(ks, k);
      out.put("hr@" + k, hr[x] / pairs);
      out.put("ndcg@" + k, ndcg[x] / pairs);
      out.put("mrr@" + k, mrr[x] / pairs);
    }
    out.put("auc", auc / pairs);
    out.put("pairs_evaluated", (double) pairs);
    out.put("negatives", (double) negatives);
    if (maxK > negatives + 1) throw new IllegalArgumentException("K " + maxK + " exceeds the candidate count " + (negatives + 1));
    return out;
  }

  private static boolean isSeen(Interactions d, int u, int item) {
    return u < d.numUsers() && d.contains(u, item);
  }

  private static boolean contains(int[] a, int n, int x) {
    for (int j = 0; j < n; j++) if (a[j] == x) return true;
    return false;
  }

  private static int indexOf(int[] a, int x) {
    for (int j = 0; j < a.length; j++) if (a[j] == x) return j;
    throw new IllegalStateException();
  }
}
