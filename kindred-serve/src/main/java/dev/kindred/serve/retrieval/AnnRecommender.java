package dev.kindred.serve.retrieval;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.FoldIn;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.Kernels;
import dev.kindred.math.TopKSelector;
import dev.kindred.math.VectorOps;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;
import java.util.Objects;
import org.apache.lucene.util.Bits;

/**
 * Top-K of a {@link LatentFactorModel} through an {@link HnswItemIndex}: the user's vector (stored or
 * folded in) queries the graph with beam width {@code max(k, efSearch)}, the items found are scored
 * exactly ({@code mu + b_u + b_i + p_u . q_i}, the same sums as {@link FactorRecommender}) and the
 * best {@code k} returned, together with the index's head items (scored exactly, one matrix-vector
 * product over a packed copy). Excluded items (seen, exclude list, a folded-in user's history) are
 * filtered inside the graph search (Lucene's accept-ordinals), so a list is never short because
 * of exclusions while enough items remain. A candidate list is served exactly (it is usually small,
 * and a graph search cannot be confined to it); similar items stay exact (cosine, not inner
 * product).
 *
 * <p>Cost per list: one graph search (see {@link HnswItemIndex}) plus {@code max(k, efSearch) + head}
 * dot products and a binary search per visited node in the sorted exclusion set. Memory: the packed
 * head, {@code head * dim} floats. Thread-safe.
 */
public final class AnnRecommender implements Recommender {

  private final LatentFactorModel model;
  private final FactorRecommender exact;
  private final HnswItemIndex index;
  private final int efSearch;
  private final int[] head; // items outside the graph, sorted
  private final float[] headRows; // their factor rows, packed row-major

  public AnnRecommender(FactorRecommender exact, HnswItemIndex index, int efSearch) {
    this.exact = Objects.requireNonNull(exact, "exact");
    this.model = exact.model();
    this.index = Objects.requireNonNull(index, "index");
    if (index.size() != model.numItems()) {
      throw new IllegalArgumentException("index has " + index.size() + " items, the model " + model.numItems());
    }
    if (efSearch < 1) throw new IllegalArgumentException("efSearch must be >= 1, got " + efSearch);
    this.efSearch = efSearch;
    this.head = index.headItems();
    this.headRows = new float[head.length * model.dim()];
    for (int j = 0; j < head.length; j++) model.itemFactors().copyRow(head[j], headRows, j * model.dim());
  }

  /** Whether a request with these options is answered by the graph ({@code "ann"}) or exactly. */
  public static String retrievalFor(RecommendOptions options) {
    return options.candidates() != null ? "exact" : "ann";
  }

  /** The exact retrieval over the same model (candidate lists, fold-in). */
  public FactorRecommender exact() {
    return exact;
  }

  public int efSearch() {
    return efSearch;
  }

  @Override
  public ScoredItems recommend(int user, int k, RecommendOptions options) {
    if (options.candidates() != null) return exact.recommend(user, k, options);
    if (user < 0 || user >= model.numUsers()) {
      throw new IllegalArgumentException("user index " + user + " outside [0, " + model.numUsers() + ")");
    }
    FactorRecommender.Query q = exact.queryForUser(user, k, options); // reads one row of mapped user factors
    int[] excluded = excluded(options.exclude(), user, options.excludeItems(), null);
    return search(q.vector(), q.offset(), q.constant(), k, excluded);
  }

  @Override
  public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options) {
    if (options.candidates() != null) return exact.recommendFromHistory(items, values, k, options);
    FoldIn.UserVector v = exact.foldIn(items, values);
    int[] excluded = excluded(null, -1, options.excludeItems(), items);
    return search(v.vector(), 0, model.globalMean() + v.bias(), k, excluded);
  }

  @Override
  public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads) {
    if (k <= 0 || threads <= 0) {
      throw new IllegalArgumentException("k and threads must be positive, got k=" + k + " threads=" + threads);
    }
    ScoredItems[] out = new ScoredItems[users.length];
    try (WorkerPool pool = WorkerPool.create(Math.min(threads, Math.max(1, users.length)), "kindred-ann")) {
      pool.forEachShared(users.length, (w, j) -> out[j] = recommend(users[j], k, options));
    }
    return out;
  }

  @Override
  public ScoredItems similarItems(int item, int k) {
    return exact.similarItems(item, k);
  }

  @Override
  public float[] scoreFromHistory(int[] items, float[] values, int[] candidates) {
    return exact.scoreFromHistory(items, values, candidates);
  }

  private ScoredItems search(float[] vec, int off, float userConstant, int k, int[] excluded) {
    if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
    int n = model.numItems();
    Bits accept = excluded.length == 0 ? null : new Bits() {
      @Override
      public boolean get(int i) {
        return Arrays.binarySearch(excluded, i) < 0;
      }

      @Override
      public int length() {
        return n;
      }
    };
    int[] found = index.search(vec, off, Math.max(k, efSearch), accept);
    FactorMatrix q = model.itemFactors();
    float[] bias = model.itemBiases();
    Kernels kern = VectorOps.kernels();
    int dim = model.dim();
    TopKSelector top = new TopKSelector(Math.max(1, Math.min(k, found.length + head.length)));
    for (int i : found) {
      top.offer(i, kern.dot(vec, off, q.page(i), q.offset(i), dim) + (bias == null ? 0f : bias[i]));
    }
    if (head.length > 0) {
      float[] s = new float[head.length];
      kern.gemv(headRows, 0, head.length, dim, vec, off, s, 0);
      for (int j = 0; j < head.length; j++) {
        int i = head[j];
        if (Arrays.binarySearch(excluded, i) >= 0) continue;
        top.offer(i, s[j] + (bias == null ? 0f : bias[i]));
      }
    }
    int[] ids = new int[top.size()];
    float[] sc = new float[top.size()];
    top.drainSorted(ids, sc);
    for (int j = 0; j < sc.length; j++) sc[j] += userConstant;
    return new ScoredItems(ids, sc);
  }

  /** Sorted, distinct item indices excluded for a user: seen row, exclude list, history. */
  private int[] excluded(Interactions seen, int user, int[] excludeItems, int[] history) {
    int size = (excludeItems == null ? 0 : excludeItems.length) + (history == null ? 0 : history.length);
    boolean withSeen = seen != null && user >= 0 && user < seen.numUsers();
    int[] ptr = withSeen ? seen.userPtr() : null;
    if (withSeen) size += ptr[user + 1] - ptr[user];
    if (size == 0) return new int[0];
    int[] all = new int[size];
    int x = 0;
    if (withSeen) {
      System.arraycopy(seen.itemIdx(), ptr[user], all, 0, ptr[user + 1] - ptr[user]);
      x = ptr[user + 1] - ptr[user];
    }
    if (excludeItems != null) {
      System.arraycopy(excludeItems, 0, all, x, excludeItems.length);
      x += excludeItems.length;
    }
    if (history != null) System.arraycopy(history, 0, all, x, history.length);
    Arrays.sort(all);
    int m = 0;
    for (int j = 0; j < all.length; j++) if (j == 0 || all[j] != all[j - 1]) all[m++] = all[j];
    return m == all.length ? all : Arrays.copyOf(all, m);
  }
}
