package dev.kindred.train.baseline;

import dev.kindred.core.Interactions;
import dev.kindred.core.ItemItemModel;
import dev.kindred.core.ModelFitException;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.core.Trainer;
import dev.kindred.math.SpdInverse;
import dev.kindred.math.WorkerPool;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EASE, a linear item-item autoencoder with a closed-form fit (Steck, "Embarrassingly Shallow
 * Autoencoders for Sparse Data", WWW 2019, arXiv:1905.03375).
 *
 * <p>Paper: minimise {@code |X - X B|_F^2 + lambda |B|_F^2} subject to {@code diag(B) = 0}, whose
 * solution is {@code G = X^T X + lambda I}, {@code P = G^-1}, {@code B_ij = -P_ij / P_jj} for
 * {@code i != j}, {@code B_jj = 0}. Symbols: {@code X} = the training interactions (binary unless
 * {@link EaseConfig#binary} is off), {@code lambda} = {@link EaseConfig#lambda}. The score of item
 * {@code j} for user {@code u} is {@code (X B)_uj}, the sum of the rows {@code B_i.} of the user's
 * items ({@link ItemItemModel}, dense layout). No departure from the paper; {@code P} is computed in
 * float by {@link SpdInverse} (why float is enough there).
 *
 * <p>Cost: {@code O(sum_u deg(u)^2)} to form the upper triangle of {@code G} (sparse, parallel over
 * item rows), {@code n^3} flops for the inverse (blocked Vector API kernels, see {@link SpdInverse}),
 * {@code n^2} to scale; memory one {@code n x n} float array ({@code 4 n^2} bytes, 5.1 GB at
 * 35,648 items; inverted and turned into {@code B} in place and kept by the model) plus
 * {@link SpdInverse#scratchBytes} ({@code 3 * 256 n} floats: two block rows and the packed panel,
 * and about a MB of packing buffers per thread). Before
 * anything is allocated, catalogs above {@link EaseConfig#maxItems} are refused, and so are fits
 * that would not fit in the heap next to the data, with the largest catalogue that does
 * ({@link #checkMemory}). Time and heap at 20,000 and 35,648 items: docs/benchmarks.md. Immutable
 * and thread-safe; each fit makes its own pools.
 */
public final class EaseTrainer implements Trainer<ItemItemModel> {

  public static final String NAME = "ease";
  private static final Logger LOG = LoggerFactory.getLogger(EaseTrainer.class);
  private static final int ROW_CHUNK = 16;
  /** Heap per training interaction, for the memory check (see {@link #checkMemory}). */
  static final long BYTES_PER_INTERACTION = 24;
  /** Heap per item besides the matrix: the inverse diagonal of the weight step and the model's histories. */
  static final long EXTRA_BYTES_PER_ITEM = 16;

  private final EaseConfig config;

  public EaseTrainer(EaseConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public EaseConfig config() {
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
    int n = train.numItems();
    long bytes = 4L * n * n;
    if (n > config.maxItems()) {
      throw new IllegalArgumentException("ease needs a dense " + n + " x " + n + " float matrix (" + gib(bytes)
          + " GiB) for " + n + " items, above maxItems = " + config.maxItems() + "; raise maxItems (--max-items; up to "
          + ItemItemModel.MAX_DENSE_ITEMS + ", with a heap to match) or use itemknn");
    }
    checkMemory(train, validation, n, config.threads(), Runtime.getRuntime().maxMemory());
    long t0 = System.nanoTime();
    float[] g = gram(train, n);
    for (int i = 0; i < n; i++) g[i * n + i] += config.lambda();
    long t1 = System.nanoTime();
    try {
      SpdInverse.invert(g, n, config.threads());
    } catch (IllegalArgumentException e) {
      throw new ModelFitException("ease: X^T X + lambda I could not be inverted in float (" + e.getMessage()
          + "); raise lambda (" + config.lambda() + ")");
    }
    long t2 = System.nanoTime();
    toWeights(g, n);
    long elapsed = System.nanoTime() - t0;
    LOG.info("ease: {} items, {} threads: gram {} s, inverse {} s ({} GFLOP/s), weights {} s, total {} s", n,
        config.threads(), seconds(t1 - t0), seconds(t2 - t1), String.format(java.util.Locale.ROOT, "%.1f",
            (double) n * n * n / Math.max(1, t2 - t1)), seconds(elapsed - (t2 - t0)), seconds(elapsed));
    listener.onEpoch(new EpochReport(1, 1, Double.NaN, Double.NaN, elapsed, elapsed));
    return ItemItemModel.dense(BaselineProvenance.of(NAME, config.toMap(), train, config.threads(), elapsed),
        TrainingHistories.of(train, config.binary()), config.binary(), g);
  }

  /**
   * The upper triangle of {@code X^T X}: row {@code i} through the users of {@code i}, adding each
   * user's items from {@code i} on (a suffix of the user's sorted row). Threads own disjoint rows.
   */
  private float[] gram(Interactions train, int n) {
    float[] g = new float[n * n];
    int[] iptr = train.itemPtr();
    int[] users = train.userIdx();
    int[] toCsr = train.cscToCsr();
    int[] uptr = train.userPtr();
    int[] items = train.itemIdx();
    float[] values = train.values();
    boolean binary = config.binary();
    forEachRow(n, i -> {
      int row = i * n;
      for (int p = iptr[i]; p < iptr[i + 1]; p++) {
        int q0 = toCsr[p]; // position of i in the user's row
        int uEnd = uptr[users[p] + 1];
        float xi = binary ? 1f : values[q0];
        for (int q = q0; q < uEnd; q++) g[row + items[q]] += binary ? 1f : xi * values[q];
      }
    });
    return g;
  }

  /** {@code P -> B}: {@code B_ij = -P_ij / P_jj}, zero diagonal, in place, parallel over rows. */
  private void toWeights(float[] p, int n) {
    float[] invDiag = new float[n];
    for (int j = 0; j < n; j++) invDiag[j] = -1f / p[j * n + j];
    forEachRow(n, i -> {
      int row = i * n;
      for (int j = 0; j < n; j++) p[row + j] *= invDiag[j];
      p[row + i] = 0f;
    });
  }

  /** Calls {@code body(i)} for rows {@code [0, n)} in chunks of {@value #ROW_CHUNK}, on a pool made for the call. */
  private void forEachRow(int n, IntConsumer body) {
    int chunks = (n + ROW_CHUNK - 1) / ROW_CHUNK;
    try (WorkerPool pool = WorkerPool.create(Math.min(config.threads(), Math.max(1, chunks)), "kindred-ease")) {
      pool.forEachShared(chunks, (w, c) -> {
        for (int i = c * ROW_CHUNK, end = Math.min(n, i + ROW_CHUNK); i < end; i++) {
          body.accept(i);
        }
      });
    }
  }

  /**
   * Refuses, before anything large is allocated, a fit whose dense matrix, inverse scratch and
   * weight scaling do not fit in the heap next to the data, naming the largest catalogue that does.
   * The data's share is estimated from its arrays ({@value #BYTES_PER_INTERACTION} bytes per
   * interaction: CSR and CSC indices, values, the CSC-to-CSR map), not from the heap's current use,
   * which counts garbage.
   */
  static void checkMemory(Interactions train, Interactions validation, int n, int threads, long maxHeap) {
    long data = BYTES_PER_INTERACTION * ((long) train.size() + (validation == null ? 0 : validation.size()))
        + 8L * (train.numUsers() + train.numItems());
    long free = maxHeap - data;
    long need = 4L * n * n + SpdInverse.scratchBytes(n, threads) + EXTRA_BYTES_PER_ITEM * n;
    if (need > free) {
      int fits = SpdInverse.largestOrder(free, threads, EXTRA_BYTES_PER_ITEM);
      long heapGib = Math.max(1, (data + need + (1L << 30) - 1) / (1L << 30) + 1);
      throw new IllegalArgumentException("ease needs " + gib(need) + " GiB for " + n + " items (a dense " + n + " x "
          + n + " float matrix plus scratch) but the heap has " + gib(free) + " GiB left after the data (max heap "
          + gib(maxHeap) + " GiB); the largest catalogue that fits is " + fits + " items. Raise the heap to "
          + heapGib + " GiB (KINDRED_HEAP=" + heapGib + "g for the kindred launcher, else java -Xmx), "
          + "or keep at most " + fits + " items (--min-item-interactions N keeps the items with at least N "
          + "interactions; --max-items " + fits + " then guards the next run)");
    }
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e9);
  }

  private static String gib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.2f", bytes / (double) (1L << 30));
  }
}
