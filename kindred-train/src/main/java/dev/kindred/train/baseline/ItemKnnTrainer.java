package dev.kindred.train.baseline;

import dev.kindred.core.Interactions;
import dev.kindred.core.ItemItemModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.core.Trainer;
import dev.kindred.math.TopKSelector;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Item-based nearest neighbours (Sarwar, Karypis, Konstan, Riedl, "Item-based collaborative
 * filtering recommendation algorithms", WWW 2001, doi:10.1145/371920.372071), with the weightings of
 * benfred/implicit's {@code nearest_neighbours.py}.
 *
 * <p>Each item {@code i} is a vector over users, {@code v_i[u] = f(x_ui)}; the similarity is
 * {@code S[i][j] = v_i . v_j}, and each item keeps its {@link ItemKnnConfig#neighbours} most similar
 * other items. Scoring sums the neighbour lists of a user's items ({@link ItemItemModel}). As in
 * implicit, items are the documents and users the terms: with {@code N} the number of items,
 * {@code df_u} user {@code u}'s number of items, {@code idf_u = ln N - ln(1 + df_u)}:
 * <ul>
 *   <li>{@code NONE}: {@code v_i[u] = x_ui / |x_i|} (cosine);
 *   <li>{@code TFIDF}: {@code v_i[u] = sqrt(x_ui) idf_u}, then divided by its norm (cosine);
 *   <li>{@code BM25}: {@code v_i[u] = x_ui (K1 + 1) / (K1 L_i + x_ui) idf_u} with item length
 *       {@code L_i = 1 - B + B s_i / mean(s)}, {@code s_i = sum_u x_ui} (mean over all items); not
 *       normalised.
 * </ul>
 * {@code x_ui} is 1 when {@link ItemKnnConfig#binary} is set, else the stored value. Departure from
 * implicit: an item is never its own neighbour (implicit keeps it and lets it take one of the
 * {@code K} places), so {@code neighbours} counts other items only.
 *
 * <p>Computation is sparse: for item {@code i}, the co-occurrence row is accumulated through the
 * rows of the users who have {@code i} (never a dense {@code n x n}), then the top {@code N} are
 * kept with a bounded heap. Items are handed out in chunks to the threads of a pool made for the
 * fit; each thread owns an {@code n}-float accumulator, so the model does not depend on the thread
 * count. Cost: {@code O(sum_u deg(u)^2)} multiply-adds plus {@code O(touched log N)} per item;
 * memory {@code 8 n} bytes per thread plus the model ({@code 8 N} bytes per item). Immutable and
 * thread-safe.
 */
public final class ItemKnnTrainer implements Trainer<ItemItemModel> {

  public static final String NAME = "itemknn";
  private static final Logger LOG = LoggerFactory.getLogger(ItemKnnTrainer.class);
  private static final int ITEM_CHUNK = 32;

  private final ItemKnnConfig config;

  public ItemKnnTrainer(ItemKnnConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public ItemKnnConfig config() {
    return config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ItemItemModel fit(Interactions train, Interactions validation, ProgressListener listener) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(listener, "listener");
    long t0 = System.nanoTime();
    float[] v = itemVectors(train, config);
    int n = train.numItems();
    int[][] nbIdx = new int[n][];
    float[][] nbW = new float[n][];
    int chunks = (n + ITEM_CHUNK - 1) / ITEM_CHUNK;
    AtomicInteger next = new AtomicInteger();
    int threads = Math.min(config.threads(), Math.max(1, chunks));
    try (WorkerPool pool = WorkerPool.create(threads, "kindred-itemknn")) {
      pool.forEachThread(t -> {
        float[] acc = new float[n];
        int[] stamp = new int[n];
        int[] touched = new int[n];
        TopKSelector top = new TopKSelector(config.neighbours());
        for (int c; (c = next.getAndIncrement()) < chunks; ) {
          for (int i = c * ITEM_CHUNK, end = Math.min(n, i + ITEM_CHUNK); i < end; i++) {
            neighboursOf(train, v, i, acc, stamp, touched, top, nbIdx, nbW);
          }
        }
      });
    }
    int[] ptr = new int[n + 1];
    for (int i = 0; i < n; i++) ptr[i + 1] = ptr[i] + nbIdx[i].length;
    int[] idx = new int[ptr[n]];
    float[] w = new float[ptr[n]];
    for (int i = 0; i < n; i++) {
      System.arraycopy(nbIdx[i], 0, idx, ptr[i], nbIdx[i].length);
      System.arraycopy(nbW[i], 0, w, ptr[i], nbW[i].length);
    }
    long elapsed = System.nanoTime() - t0;
    LOG.debug("itemknn: {} items, {} neighbour pairs in {} s", n, ptr[n], elapsed / 1e9);
    listener.onEpoch(new EpochReport(1, 1, Double.NaN, Double.NaN, elapsed, elapsed));
    return ItemItemModel.sparse(BaselineProvenance.of(NAME, config.toMap(), train, config.threads(), elapsed),
        TrainingHistories.of(train, config.binary()), config.binary(), ptr, idx, w);
  }

  /**
   * The weighted, and for NONE and TFIDF normalised, coordinate {@code v_i[u]} of every
   * interaction, in CSR order (parallel to {@code train.itemIdx()}).
   */
  static float[] itemVectors(Interactions train, ItemKnnConfig config) {
    int nnz = train.size();
    int n = train.numItems();
    float[] x = new float[nnz];
    float[] values = train.values();
    for (int p = 0; p < nnz; p++) x[p] = config.binary() ? 1f : values[p];
    if (config.weighting() == ItemKnnConfig.Weighting.NONE) {
      normalizeItems(train, x);
      return x;
    }
    int[] uptr = train.userPtr();
    int[] items = train.itemIdx();
    if (config.weighting() == ItemKnnConfig.Weighting.TFIDF) {
      for (int u = 0; u < train.numUsers(); u++) {
        float idf = idf(n, uptr[u + 1] - uptr[u]);
        for (int p = uptr[u]; p < uptr[u + 1]; p++) x[p] = (float) Math.sqrt(x[p]) * idf;
      }
      normalizeItems(train, x);
      return x;
    }
    double[] itemSum = new double[n];
    for (int p = 0; p < nnz; p++) itemSum[items[p]] += x[p];
    double mean = 0;
    for (double s : itemSum) mean += s;
    mean = n == 0 ? 0 : mean / n;
    float k1 = config.k1();
    float b = config.b();
    for (int u = 0; u < train.numUsers(); u++) {
      float idf = idf(n, uptr[u + 1] - uptr[u]);
      for (int p = uptr[u]; p < uptr[u + 1]; p++) {
        float lengthNorm = (float) ((1 - b) + b * itemSum[items[p]] / mean);
        x[p] = x[p] * (k1 + 1) / (k1 * lengthNorm + x[p]) * idf;
      }
    }
    return x;
  }

  /**
   * {@code ln N - ln(1 + df)}, computed as {@code ln(N / (1 + df))} so that it is exactly 0 when
   * {@code 1 + df = N} (else a rounding residue would be normalised into a unit vector).
   */
  private static float idf(int numItems, int df) {
    return (float) Math.log((double) numItems / (1 + df));
  }

  /** Divides each item's coordinates by the item's Euclidean norm (zero vectors stay zero). */
  private static void normalizeItems(Interactions train, float[] x) {
    int[] items = train.itemIdx();
    double[] sq = new double[train.numItems()];
    for (int p = 0; p < x.length; p++) sq[items[p]] += (double) x[p] * x[p];
    for (int p = 0; p < x.length; p++) {
      double norm = Math.sqrt(sq[items[p]]);
      x[p] = norm > 0 ? (float) (x[p] / norm) : 0f;
    }
  }

  /** Accumulates row {@code i} of {@code S} through the users of {@code i}, keeps the top N. */
  private void neighboursOf(Interactions train, float[] v, int i, float[] acc, int[] stamp, int[] touched,
      TopKSelector top, int[][] nbIdx, float[][] nbW) {
    int[] iptr = train.itemPtr();
    int[] users = train.userIdx();
    int[] toCsr = train.cscToCsr();
    int[] uptr = train.userPtr();
    int[] items = train.itemIdx();
    int mark = i + 1; // stamp[j] == i + 1: j already touched for this item (0 is never a mark)
    int count = 0;
    for (int p = iptr[i]; p < iptr[i + 1]; p++) {
      int u = users[p];
      float vi = v[toCsr[p]];
      for (int q = uptr[u], end = uptr[u + 1]; q < end; q++) {
        int j = items[q];
        if (stamp[j] != mark) {
          stamp[j] = mark;
          acc[j] = 0f;
          touched[count++] = j;
        }
        acc[j] += vi * v[q];
      }
    }
    top.reset();
    for (int t = 0; t < count; t++) {
      int j = touched[t];
      if (j != i) top.offer(j, acc[j]);
    }
    int m = top.size();
    int[] ids = new int[m];
    float[] ws = new float[m];
    top.drainSorted(ids, ws);
    // Storage order is by item index (the model's invariant), not by weight.
    long[] keys = new long[m];
    for (int r = 0; r < m; r++) keys[r] = (long) ids[r] << 32 | r;
    Arrays.sort(keys);
    int[] outIdx = new int[m];
    float[] outW = new float[m];
    for (int r = 0; r < m; r++) {
      int from = (int) keys[r];
      outIdx[r] = ids[from];
      outW[r] = ws[from];
    }
    nbIdx[i] = outIdx;
    nbW[i] = outW;
  }
}
