package dev.kindred.core;

import dev.kindred.math.CsrMatrix;
import dev.kindred.math.ItemPanels;
import dev.kindred.math.PanelKernels;
import dev.kindred.math.PanelScoring;
import dev.kindred.math.TopKSelector;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exact top-K over a {@link GraphFilterModel}: a user's score for every item is computed into one
 * vector of {@code n} floats, excluded items are masked and a bounded heap keeps the best
 * {@code k}. The score is the ideal term {@code p_u . q_j} first, then the linear term added by two
 * sparse passes over {@code R~}: {@code z = R~ r_u^T} scattered from the columns of the history's
 * items (the users they reach), then {@code z^T R~} scattered from those users' rows.
 *
 * <p>{@link #recommendAll} scores the ideal term of a block of up to {@value #USER_BLOCK} users
 * (fewer when a small batch is split over the threads) as one blocked matrix product (the item
 * factors packed in {@link ItemPanels}, the same register-blocked kernel as
 * {@link FactorRecommender}), then adds each user's linear term to its row. The single-user
 * path runs the same kernel on a block of one user, so both paths give the same scores bit for bit
 * (the kernel's lanes run over items and every score is one fused multiply-add chain in increasing
 * dimension, whatever the block).
 *
 * <p>Cost per user: {@code 2 * n * rank} flops for the ideal term, plus {@code sum_{i in r_u} d_i}
 * for the first pass and {@code sum_{v reached} d_v} for the second (on Gowalla about 2,000 and
 * 61,000 scattered multiply-adds per user on average), plus {@code O(n)} to select. Scratch per thread:
 * {@code users + n * (USER_BLOCK + 1) + USER_BLOCK * rank} floats and {@code users} ints; the packed
 * items ({@code (rank + 1) * n} floats) are built with the recommender and kept.
 *
 * <p>{@link #similarItems}: the filter's row of the item, that is the scores of a user whose history
 * is that one item. Fold-in ({@link #recommendFromHistory}) is exact: the same formula on the given
 * row; values are ignored ({@code R} is binary) and an item listed twice counts twice. Thread-safe.
 */
public final class GraphFilterRecommender implements Recommender {

  static final int USER_BLOCK = 128;
  static final int ITEM_TILE = 1024;

  private final GraphFilterModel model;
  private final ItemPanels panels; // the packed ideal-term factors; null when the ideal weight is 0

  public GraphFilterRecommender(GraphFilterModel model) {
    this.model = Objects.requireNonNull(model, "model");
    int width = PanelScoring.panelWidth();
    this.panels = model.idealWeight() == 0f ? null
        : new ItemPanels(model.idealFactors(), null, width, Math.max(1, ITEM_TILE / width));
  }

  public GraphFilterModel model() {
    return model;
  }

  /** Per-thread buffers for scoring one history. */
  private final class Scratch {
    final float[] reach = new float[model.numUsers()]; // z, zero outside the touched users
    final int[] touched = new int[model.numUsers()];
    final float[] scores; // items, then the padding of the last panel
    final float[] factor = new float[model.rank()];

    Scratch() {
      scores = new float[paddedItems()];
    }
  }

  /** Items plus the padding of the packed panels: the row length of the ideal term's output. */
  private int paddedItems() {
    return panels == null ? model.numItems() : panels.tileCount() * panels.tileItems();
  }

  @Override
  public ScoredItems recommend(int user, int k, RecommendOptions options) {
    checkUser(user);
    ItemItemRecommender.checkK(k);
    int n = model.numItems();
    ItemFilter filter = ItemFilter.of(options, n);
    Scratch s = new Scratch();
    int[] ptr = model.normalized().rowPtr();
    scoreHistory(model.normalized().colIdx(), ptr[user], ptr[user + 1], s);
    filter.mask(user, s.scores, n);
    return filter.select(s.scores, n, new TopKSelector(Math.min(k, Math.max(1, n))));
  }

  @Override
  public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads) {
    ItemItemRecommender.checkK(k);
    if (threads <= 0) throw new IllegalArgumentException("threads must be positive, got " + threads);
    Arrays.stream(users).forEach(this::checkUser);
    ScoredItems[] out = new ScoredItems[users.length];
    if (users.length == 0) return out;
    int n = model.numItems();
    ItemFilter filter = ItemFilter.of(options, n);
    // Small batches are split evenly over the threads, in multiples of the kernel's 4-user height.
    int block = Math.min(USER_BLOCK, ((users.length + threads - 1) / threads + 3) & ~3);
    int blocks = (users.length + block - 1) / block;
    AtomicInteger next = new AtomicInteger();
    try (WorkerPool pool = WorkerPool.create(Math.min(threads, blocks), "kindred-recommend")) {
      pool.forEachThread(t -> {
        Scratch s = new Scratch();
        TopKSelector top = new TopKSelector(Math.min(k, Math.max(1, n)));
        int stride = panels == null ? 0 : paddedItems();
        float[] ideal = new float[block * stride];
        float[] userRows = new float[block * model.rank()];
        for (int b; (b = next.getAndIncrement()) < blocks; ) {
          int from = b * block;
          int to = Math.min(users.length, from + block);
          if (panels != null) {
            idealBlock(users, from, to, userRows, ideal, stride);
          }
          for (int j = from; j < to; j++) {
            int u = users[j];
            if (panels != null) {
              System.arraycopy(ideal, (j - from) * stride, s.scores, 0, n);
            } else {
              Arrays.fill(s.scores, 0f);
            }
            int[] ptr = model.normalized().rowPtr();
            addLinear(model.normalized().colIdx(), ptr[u], ptr[u + 1], s);
            filter.mask(u, s.scores, n);
            out[j] = filter.select(s.scores, n, top);
          }
        }
      });
    }
    return out;
  }

  /**
   * The ideal term of users[from..to) as one blocked product: row {@code j} of {@code block} (stride
   * {@code stride}) holds {@code p_u . q_i} for every item of user {@code users[from + j]}.
   */
  private void idealBlock(int[] users, int from, int to, float[] userRows, float[] block, int stride) {
    int rank = model.rank();
    int[] ptr = model.normalized().rowPtr();
    int[] idx = model.normalized().colIdx();
    for (int j = from; j < to; j++) {
      model.userFactor(idx, ptr[users[j]], ptr[users[j] + 1], userRows, (j - from) * rank);
    }
    PanelKernels kern = PanelScoring.kernels();
    for (int t = 0; t < panels.tileCount(); t++) {
      kern.scorePanels(userRows, 0, to - from, rank, panels.tile(t), 0, panels.panelsIn(t), panels.width(), block,
          panels.firstItem(t), stride);
    }
  }

  /**
   * Fold-in: scores a user given only as interactions (values ignored). The given items are
   * excluded, as are those in {@code options} ({@code options.exclude()} applies to no one).
   */
  @Override
  public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options) {
    ItemItemRecommender.checkK(k);
    int n = model.numItems();
    ItemItemRecommender.checkHistory(items, values, n);
    ItemFilter filter = ItemFilter.of(options, n);
    Scratch s = new Scratch();
    scoreHistory(items, 0, items.length, s);
    filter.mask(-1, s.scores, n);
    for (int item : items) s.scores[item] = Float.NEGATIVE_INFINITY;
    return filter.select(s.scores, n, new TopKSelector(Math.min(k, Math.max(1, n))));
  }

  @Override
  public float[] scoreFromHistory(int[] items, float[] values, int[] candidates) {
    int n = model.numItems();
    ItemItemRecommender.checkHistory(items, values, n);
    ItemItemRecommender.checkItems(candidates, "candidate", n);
    Scratch s = new Scratch();
    scoreHistory(items, 0, items.length, s);
    float[] out = new float[candidates.length];
    for (int j = 0; j < candidates.length; j++) out[j] = s.scores[candidates[j]];
    return out;
  }

  /** The filter's row of {@code item}: the scores of the one-item history, the item itself left out. */
  @Override
  public ScoredItems similarItems(int item, int k) {
    int n = model.numItems();
    if (item < 0 || item >= n) {
      throw new IllegalArgumentException("item index " + item + " outside [0, " + n + ")");
    }
    return recommendFromHistory(new int[] {item}, null, k, RecommendOptions.ALL);
  }

  /**
   * {@code s.scores = s_u} for the history {@code items[from .. to)}: the ideal term by the same
   * kernel as a block of {@link #recommendAll} (one user), so both paths give the same bits, then
   * the linear one.
   */
  private void scoreHistory(int[] items, int from, int to, Scratch s) {
    if (panels == null) {
      Arrays.fill(s.scores, 0f);
    } else {
      model.userFactor(items, from, to, s.factor, 0);
      PanelKernels kern = PanelScoring.kernels();
      for (int t = 0; t < panels.tileCount(); t++) {
        kern.scorePanels(s.factor, 0, 1, model.rank(), panels.tile(t), 0, panels.panelsIn(t), panels.width(),
            s.scores, panels.firstItem(t), paddedItems());
      }
    }
    addLinear(items, from, to, s);
  }

  /** {@code s.scores += r R~^T R~} for the history {@code r = items[from .. to)}. */
  private void addLinear(int[] items, int from, int to, Scratch s) {
    CsrMatrix a = model.normalized();
    CsrMatrix at = model.normalizedTranspose();
    int[] tPtr = at.rowPtr();
    int[] tIdx = at.colIdx();
    float[] tVal = at.values();
    float[] reach = s.reach;
    int[] touched = s.touched;
    int nTouched = 0;
    for (int j = from; j < to; j++) {
      int i = items[j];
      for (int p = tPtr[i]; p < tPtr[i + 1]; p++) {
        int v = tIdx[p];
        // Values of R~ are positive, so a reached user is never back at 0.
        if (reach[v] == 0f) touched[nTouched++] = v;
        reach[v] += tVal[p];
      }
    }
    int[] ptr = a.rowPtr();
    int[] idx = a.colIdx();
    float[] val = a.values();
    float[] scores = s.scores;
    for (int t = 0; t < nTouched; t++) {
      int v = touched[t];
      float z = reach[v];
      reach[v] = 0f;
      for (int p = ptr[v]; p < ptr[v + 1]; p++) {
        scores[idx[p]] += z * val[p];
      }
    }
  }

  private void checkUser(int user) {
    if (user < 0 || user >= model.numUsers()) {
      throw new IllegalArgumentException("user index " + user + " outside [0, " + model.numUsers() + ")");
    }
  }
}
