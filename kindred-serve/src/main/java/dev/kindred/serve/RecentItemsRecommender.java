package dev.kindred.serve;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.FoldIn;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import dev.kindred.math.Kernels;
import dev.kindred.math.TopKSelector;
import dev.kindred.math.VectorOps;
import java.util.Arrays;
import java.util.Objects;

/**
 * A latent-factor model's recommender plus the items posted since its item side was built
 * ({@link RecentItems}): every list is the model's own top-K (exact or ANN, unchanged) merged with
 * an exact scan of the recent items, scored as the model scores its own items
 * ({@code mu + b_u + b_i + p_u . q_i}), so a known user's list equals that of a model rebuilt with
 * the items, up to float rounding. Cost per request: the model's, plus {@code O(recent x dim)}.
 *
 * <p>Departures until the item side is rebuilt with the recent items (the service does that in the
 * background, {@link RecommendationService}): a user folded in from a history scores the recent
 * items, but the fold-in itself sees only the model's items, so a recent item in the history is
 * excluded from the list without moving the user's vector, and the implicit fold-in's Gram matrix
 * {@code Q^T Q} does not yet include the recent items. Similar items of a recent item are scored
 * against every item on the request's thread ({@code O(items x dim)}, as a cosine scan costs anyway).
 *
 * <p>Thread-safe: immutable, over immutable parts.
 */
final class RecentItemsRecommender implements Recommender {

  private final Recommender base;
  private final FactorRecommender exact;
  private final LatentFactorModel model;
  private final RecentItems recent;

  /**
   * @param base the model's recommender (exact or ANN)
   * @param exact exact retrieval over the same model (its fold-in and user queries)
   * @param recent items numbered from {@code model.numItems()}
   */
  RecentItemsRecommender(Recommender base, FactorRecommender exact, RecentItems recent) {
    this.base = Objects.requireNonNull(base, "base");
    this.exact = Objects.requireNonNull(exact, "exact");
    this.model = exact.model();
    this.recent = Objects.requireNonNull(recent, "recent");
    if (recent.first() != model.numItems()) {
      throw new IllegalStateException("recent items start at " + recent.first() + ", the model has "
          + model.numItems() + " items");
    }
  }

  /**
   * A request's options split at the model's last item: {@code model} for the model's recommender
   * (recent indices removed from the lists), {@code skip} the recent items the list may not hold,
   * {@code candidates} the recent candidates (null: every recent item may be listed),
   * {@code modelHasCandidates} false when a candidate list names only recent items.
   */
  private record Split(RecommendOptions model, boolean[] skip, boolean modelHasCandidates) {}

  private Split split(RecommendOptions o, int[] historyRecent) {
    int n = model.numItems();
    boolean[] skip = new boolean[recent.size()];
    if (historyRecent != null) for (int i : historyRecent) skip[i - n] = true;
    int[] ex = o.excludeItems();
    if (ex != null) for (int i : ex) if (recent.holds(i)) skip[i - n] = true;
    int[] cand = o.candidates();
    boolean modelHasCandidates = true;
    if (cand != null) {
      boolean[] listed = new boolean[recent.size()];
      for (int i : cand) if (recent.holds(i)) listed[i - n] = true;
      for (int j = 0; j < skip.length; j++) skip[j] |= !listed[j];
      cand = below(cand, n);
      modelHasCandidates = cand.length > 0;
    }
    RecommendOptions m = new RecommendOptions(o.exclude(), ex == null ? null : below(ex, n), cand);
    return new Split(m, skip, modelHasCandidates);
  }

  private static int[] below(int[] items, int n) {
    return Arrays.stream(items).filter(i -> i < n).toArray();
  }

  /** The model's list for a user vector merged with the recent items' scores for it. */
  private ScoredItems merged(ScoredItems fromModel, float[] vec, int off, float constant, boolean[] skip, int k) {
    TopKSelector top = new TopKSelector(k);
    for (int j = 0; j < fromModel.size(); j++) top.offer(fromModel.items()[j], fromModel.scores()[j]);
    Kernels kern = VectorOps.kernels();
    float[] q = recent.vectors();
    int dim = model.dim();
    for (int j = 0; j < recent.size(); j++) {
      if (skip[j]) continue;
      int i = recent.first() + j;
      float bias = model.hasBiases() ? recent.bias(i) : 0f;
      // The model's order of operations: b_i + p . q_i, then the user's constant.
      top.offer(i, (bias + kern.dot(vec, off, q, recent.offset(i), dim)) + constant);
    }
    return drain(top);
  }

  @Override
  public ScoredItems recommend(int user, int k, RecommendOptions options) {
    Split s = split(options, null);
    ScoredItems m = s.modelHasCandidates() ? base.recommend(user, k, s.model()) : ScoredItems.EMPTY;
    FactorRecommender.Query q = exact.queryForUser(user, k, options);
    return merged(m, q.vector(), q.offset(), q.constant(), s.skip(), k);
  }

  /** Top-{@code k} for a user vector that is not the model's; {@code constant} is {@code mu + b_u}. */
  ScoredItems recommendVector(float[] vec, float constant, int k, RecommendOptions options) {
    Split s = split(options, null);
    ScoredItems m = s.modelHasCandidates() ? exact.recommendVector(vec, 0, constant, -1, k, s.model())
        : ScoredItems.EMPTY;
    return merged(m, vec, 0, constant, s.skip(), k);
  }

  @Override
  public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options) {
    History h = History.of(items, values, model.numItems());
    Split s = split(options, h.recent());
    FactorRecommender.Query q = exact.queryForHistory(h.items(), h.values(), k, s.model());
    ScoredItems m = s.modelHasCandidates() ? exact.recommend(q) : ScoredItems.EMPTY;
    return merged(m, q.vector(), q.offset(), q.constant(), s.skip(), k);
  }

  @Override
  public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads) {
    Split s = split(options, null);
    ScoredItems[] out = s.modelHasCandidates() ? base.recommendAll(users, k, s.model(), threads)
        : new ScoredItems[users.length];
    for (int j = 0; j < users.length; j++) {
      FactorRecommender.Query q = exact.queryForUser(users[j], k, options);
      out[j] = merged(out[j] == null ? ScoredItems.EMPTY : out[j], q.vector(), q.offset(), q.constant(), s.skip(), k);
    }
    return out;
  }

  @Override
  public ScoredItems similarItems(int item, int k) {
    int n = model.numItems();
    if (item < n) {
      // The model's own answer, then the recent items by the same cosine.
      ScoredItems m = base.similarItems(item, k);
      float[] v = model.itemStore().row(item);
      TopKSelector top = new TopKSelector(k);
      for (int j = 0; j < m.size(); j++) top.offer(m.items()[j], m.scores()[j]);
      offerRecentCosines(v, 0, -1, top);
      return drain(top);
    }
    if (!recent.holds(item)) throw new IllegalArgumentException("item index " + item + " outside [0, " + (n + recent.size()) + ")");
    float[] v = Arrays.copyOfRange(recent.vectors(), recent.offset(item), recent.offset(item) + model.dim());
    float norm = norm(v, 0);
    TopKSelector top = new TopKSelector(k);
    float[] row = new float[model.dim()];
    Kernels kern = VectorOps.kernels();
    for (int i = 0; i < n; i++) {
      model.itemStore().copyRow(i, row, 0);
      float d = norm(row, 0) * norm;
      top.offer(i, d > 0 ? kern.dot(v, 0, row, 0, row.length) / d : 0f);
    }
    offerRecentCosines(v, 0, item, top);
    return drain(top);
  }

  private void offerRecentCosines(float[] v, int off, int self, TopKSelector top) {
    Kernels kern = VectorOps.kernels();
    float norm = norm(v, off);
    float[] q = recent.vectors();
    for (int j = 0; j < recent.size(); j++) {
      int i = recent.first() + j;
      if (i == self) continue;
      float d = norm(q, recent.offset(i)) * norm;
      top.offer(i, d > 0 ? kern.dot(v, off, q, recent.offset(i), model.dim()) / d : 0f);
    }
  }

  private float norm(float[] v, int off) {
    return (float) Math.sqrt(VectorOps.kernels().dot(v, off, v, off, model.dim()));
  }

  private static ScoredItems drain(TopKSelector top) {
    int[] ids = new int[top.size()];
    float[] sc = new float[top.size()];
    top.drainSorted(ids, sc);
    return new ScoredItems(ids, sc);
  }

  @Override
  public float[] scoreFromHistory(int[] items, float[] values, int[] candidates) {
    History h = History.of(items, values, model.numItems());
    FoldIn.UserVector v = exact.foldIn(h.items(), h.values());
    float[] out = new float[candidates.length];
    for (int j = 0; j < candidates.length; j++) out[j] = score(v.vector(), v.bias(), candidates[j]);
    return out;
  }

  /** {@link LatentFactorModel#score(float[], float, int)}, for the model's items and the recent ones. */
  float score(float[] vec, float userBias, int item) {
    if (!recent.holds(item)) return model.score(vec, userBias, item);
    float s = model.globalMean() + userBias + (model.hasBiases() ? recent.bias(item) : 0f)
        + VectorOps.kernels().dot(vec, 0, recent.vectors(), recent.offset(item), model.dim());
    return Math.min(model.scoreMax(), Math.max(model.scoreMin(), s));
  }

  /** A history split at the model's last item: what the fold-in sees, and the recent items it holds. */
  private record History(int[] items, float[] values, int[] recent) {
    static History of(int[] items, float[] values, int n) {
      int m = 0;
      for (int i : items) if (i < n) m++;
      int[] in = new int[m];
      float[] vs = values == null ? null : new float[m];
      int[] rec = new int[items.length - m];
      int a = 0;
      int b = 0;
      for (int j = 0; j < items.length; j++) {
        if (items[j] < n) {
          if (vs != null) vs[a] = values[j];
          in[a++] = items[j];
        } else {
          rec[b++] = items[j];
        }
      }
      return new History(in, vs, rec);
    }
  }
}
