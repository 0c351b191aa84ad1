package dev.kindred.core;

import dev.kindred.math.TopKSelector;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exact top-K over an {@link ItemItemModel}: a user's score for every item is the sum of the rows
 * of {@code S} of the user's history items, weighted by {@code w_ui}, computed into one vector of
 * {@code n} floats; excluded items are masked and a bounded heap keeps the best {@code k}. Items
 * that no history item reaches score 0 and may fill a list after the positive ones.
 *
 * <p>{@link #similarItems}: for the sparse layout (kNN) the item's stored neighbours by weight;
 * for the dense layout (EASE) the column {@code B[.][item]}, that is the items whose presence in a
 * history most raises this item's score.
 *
 * <p>Cost per user: {@code O(sum of neighbour-list lengths)} (sparse) or {@code O(|history| * n)}
 * (dense) plus {@code O(n)} to select. Batches hand blocks of {@value #USER_BLOCK} users to the
 * threads of a pool made for the call; each thread owns one score vector and one heap.
 * Thread-safe.
 */
public final class ItemItemRecommender implements Recommender {

  static final int USER_BLOCK = 16;

  private final ItemItemModel model;

  public ItemItemRecommender(ItemItemModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  public ItemItemModel model() {
    return model;
  }

  @Override
  public ScoredItems recommend(int user, int k, RecommendOptions options) {
    checkUser(user);
    checkK(k);
    int n = model.numItems();
    ItemFilter filter = ItemFilter.of(options, n);
    float[] scores = new float[n];
    scoreUser(user, scores);
    filter.mask(user, scores, n);
    return filter.select(scores, n, new TopKSelector(Math.min(k, Math.max(1, n))));
  }

  @Override
  public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads) {
    if (k <= 0 || threads <= 0) {
      throw new IllegalArgumentException("k and threads must be positive, got k=" + k + " threads=" + threads);
    }
    for (int u : users) checkUser(u);
    int n = model.numItems();
    ItemFilter filter = ItemFilter.of(options, n);
    ScoredItems[] out = new ScoredItems[users.length];
    int blocks = (users.length + USER_BLOCK - 1) / USER_BLOCK;
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      float[] scores = new float[n];
      TopKSelector top = new TopKSelector(Math.min(k, Math.max(1, n)));
      for (int b; (b = next.getAndIncrement()) < blocks; ) {
        for (int j = b * USER_BLOCK, end = Math.min(users.length, j + USER_BLOCK); j < end; j++) {
          java.util.Arrays.fill(scores, 0f);
          scoreUser(users[j], scores);
          filter.mask(users[j], scores, n);
          out[j] = filter.select(scores, n, top);
        }
      }
    };
    ItemFilter.runParallel(worker, Math.min(threads, Math.max(1, blocks)), "kindred-recommend");
    return out;
  }

  /**
   * Fold-in: scores a user given only as interactions. {@code values} may be null (all ones); for a
   * {@link ItemItemModel#binary()} model they are ignored. An item listed twice counts twice. The
   * given items are excluded, as are
   * those in {@code options} ({@code options.exclude()} applies to no one: the user is not in it).
   */
  @Override
  public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options) {
    checkK(k);
    int n = model.numItems();
    checkHistory(items, values, n);
    ItemFilter filter = ItemFilter.of(options, n);
    float[] scores = new float[n];
    for (int j = 0; j < items.length; j++) {
      model.addRow(items[j], model.historyWeight(values == null ? 1f : values[j]), scores);
    }
    filter.mask(-1, scores, n);
    for (int item : items) scores[item] = Float.NEGATIVE_INFINITY;
    return filter.select(scores, n, new TopKSelector(Math.min(k, Math.max(1, n))));
  }

  /** {@code sum_h w(r_h) S[h][c]} for each candidate {@code c}: {@link ItemItemModel#score} on the given history. */
  @Override
  public float[] scoreFromHistory(int[] items, float[] values, int[] candidates) {
    int n = model.numItems();
    checkHistory(items, values, n);
    checkItems(candidates, "candidate", n);
    float[] out = new float[candidates.length];
    for (int j = 0; j < candidates.length; j++) {
      float s = 0f;
      for (int h = 0; h < items.length; h++) {
        s += model.historyWeight(values == null ? 1f : values[h]) * model.weight(items[h], candidates[j]);
      }
      out[j] = s;
    }
    return out;
  }

  @Override
  public ScoredItems similarItems(int item, int k) {
    int n = model.numItems();
    if (item < 0 || item >= n) {
      throw new IllegalArgumentException("item index " + item + " outside [0, " + n + ")");
    }
    checkK(k);
    TopKSelector top = new TopKSelector(Math.min(k, n));
    if (model.layout() == ItemItemModel.Layout.SPARSE) {
      int[] ptr = model.neighbourPtr();
      int[] idx = model.neighbourIdx();
      float[] w = model.neighbourWeights();
      for (int p = ptr[item]; p < ptr[item + 1]; p++) top.offer(idx[p], w[p]);
    } else {
      float[] b = model.denseWeights();
      for (int i = 0; i < n; i++) {
        if (i != item) top.offer(i, b[i * n + item]);
      }
    }
    return ItemFilter.drain(top);
  }

  /** {@code scores[j] += sum over the user's history of w_ui * S[i][j]}. */
  private void scoreUser(int user, float[] scores) {
    Interactions h = model.histories();
    int[] ptr = h.userPtr();
    int[] idx = h.itemIdx();
    float[] val = h.values();
    for (int p = ptr[user]; p < ptr[user + 1]; p++) model.addRow(idx[p], model.historyWeight(val[p]), scores);
  }

  static void checkHistory(int[] items, float[] values, int n) {
    Objects.requireNonNull(items, "items");
    if (values != null && values.length != items.length) {
      throw new IllegalArgumentException("values has " + values.length + " entries, items " + items.length);
    }
    checkItems(items, "history", n);
  }

  /** Every index of {@code items} (named {@code what} in the message) is in {@code [0, n)}. */
  static void checkItems(int[] items, String what, int n) {
    for (int j = 0; j < items.length; j++) {
      if (items[j] < 0 || items[j] >= n) {
        throw new IllegalArgumentException(what + " item index " + items[j] + " at position " + j + " outside [0, "
            + n + ")");
      }
    }
  }

  static void checkK(int k) {
    if (k <= 0) throw new IllegalArgumentException("k must be positive, got " + k);
  }

  private void checkUser(int user) {
    if (user < 0 || user >= model.numUsers()) {
      throw new IllegalArgumentException("user index " + user + " outside [0, " + model.numUsers() + ")");
    }
  }
}
