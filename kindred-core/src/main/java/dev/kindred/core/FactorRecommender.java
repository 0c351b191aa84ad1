package dev.kindred.core;

import dev.kindred.math.FactorMatrix;
import dev.kindred.math.FactorStore;
import dev.kindred.math.ItemPanels;
import dev.kindred.math.PanelKernels;
import dev.kindred.math.PanelScoring;
import dev.kindred.math.TopKSelector;
import dev.kindred.math.VectorOps;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exact top-K over a {@link LatentFactorModel}. A user's score for every item is
 * {@code b_i + p_u . q_i} (the user's constant {@code mu + b_u} does not change the ranking and is
 * added back to the returned scores).
 *
 * <p>Batch recommendation ({@link #recommendAll}) is a blocked matrix product: a block of up to
 * {@value #USER_BLOCK} users is scored against one tile of about {@value #ITEM_TILE} items at a time
 * by the register-blocked {@link PanelKernels} (4 users x 4 vectors of items per micro-kernel, the
 * items packed dimension-major in {@link ItemPanels} so that lanes run over items), then excluded
 * items are masked and each user's row feeds a bounded heap, a vector scan skipping the runs below
 * the heap's threshold. The readable version of the batch path is {@link #recommend} per user; the
 * two agree up to float rounding (tested), since the batch path sums {@code b_i} and then
 * {@code p_u[d] q_i[d]} in increasing {@code d} with fused multiply-adds, in a fixed order.
 *
 * <p>Cost: {@code 2 * users * items * k} flops. Memory: the packed items are built on the first
 * batch call and kept, {@code (k + 1) * items} floats rounded up to whole panels (about the size of
 * the item factors again); scratch per thread is {@code USER_BLOCK * (ITEM_TILE + k)} floats (544 KB at
 * k=64). The block is large so that each pass over the packed items (which need not fit in cache)
 * scores many users, and small enough that a tile's scores stay in L2; smaller batches are split
 * evenly over the threads (blocks of 32 / 64 / 128 users reached 46 / 49 / 52% of the FMA peak in one
 * back-to-back comparison at 40,000 items, k=64; docs/benchmarks.md has the JMH figures). Single-user
 * calls use the factor matrices directly. Thread-safe.
 *
 * <p>Either factor store may be a mapped model file section ({@link LatentFactorModel#itemStore()}):
 * single-user calls then scan the mapping with the segment kernels (bf16 / fp16 widened to fp32),
 * a user's row is read alone. {@link #recommendVectors} (the server's combined requests) then scores
 * each query from the mapping too, so a served model is never copied to the heap: packing would
 * hold the catalogue twice, in fp32, for the life of the server. {@link #recommendAll} (a batch job
 * over many users, where one packing pays for itself) packs its panels from the mapping into the
 * heap, as above.
 */
public final class FactorRecommender implements Recommender {

  static final int USER_BLOCK = 128;
  static final int ITEM_TILE = 1024;

  private final LatentFactorModel model;
  private volatile float[] itemNorms; // lazily computed for similarItems
  private volatile ItemPanels itemPanels; // lazily packed for recommendAll
  private final FoldIn foldIn;

  public FactorRecommender(LatentFactorModel model) {
    this.model = Objects.requireNonNull(model, "model");
    this.foldIn = new FoldIn(model);
  }

  /** The folded-in vector of a user given as interactions (see {@link FoldIn}). */
  public FoldIn.UserVector foldIn(int[] items, float[] values) {
    return foldIn.userVector(items, values);
  }

  @Override
  public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options) {
    return recommend(queryForHistory(items, values, k, options));
  }

  @Override
  public float[] scoreFromHistory(int[] items, float[] values, int[] candidates) {
    FoldIn.UserVector v = foldIn.userVector(items, values);
    ItemItemRecommender.checkItems(candidates, "candidate", model.numItems());
    float[] out = new float[candidates.length];
    for (int j = 0; j < candidates.length; j++) {
      out[j] = model.score(v.vector(), v.bias(), candidates[j]);
    }
    return out;
  }

  /**
   * One top-K request as a user vector: what {@link #recommend(int, int, RecommendOptions)},
   * {@link #recommendFromHistory} and {@link #recommendVectors} score.
   *
   * @param vector the user's factors at {@code vector[offset .. offset + dim)}; not copied, not modified
   * @param constant {@code mu + b_u}, added to the returned scores (it does not change the ranking)
   * @param user the user index whose seen items {@code options.exclude()} removes, or -1 for none
   */
  public record Query(float[] vector, int offset, float constant, int user, int k, RecommendOptions options) {
    public Query {
      Objects.requireNonNull(vector, "vector");
      Objects.requireNonNull(options, "options");
      if (k <= 0) {
        throw new IllegalArgumentException("k must be positive, got " + k);
      }
    }
  }

  /** The query of a known user (its trained factors). */
  public Query queryForUser(int user, int k, RecommendOptions options) {
    checkUser(user);
    float constant = model.globalMean() + model.userBias(user);
    if (model.userStore() instanceof FactorMatrix p) {
      return new Query(p.page(user), p.offset(user), constant, user, k, options);
    }
    return new Query(model.userStore().row(user), 0, constant, user, k, options); // one row read from the mapping
  }

  /**
   * The query of a user given only as interactions: the folded-in vector (the costly part, done
   * here by the caller's thread), with the given items excluded as well as those in {@code options}.
   */
  public Query queryForHistory(int[] items, float[] values, int k, RecommendOptions options) {
    FoldIn.UserVector v = foldIn.userVector(items, values);
    int[] extra = options.excludeItems();
    int[] ex = extra == null ? items.clone() : java.util.stream.IntStream.concat(
        java.util.Arrays.stream(extra), java.util.Arrays.stream(items)).toArray();
    RecommendOptions o = new RecommendOptions(null, ex, options.candidates());
    return new Query(v.vector(), 0, model.globalMean() + v.bias(), -1, k, o);
  }

  /** Top-K of one query, scored alone (one pass over the item factors). */
  public ScoredItems recommend(Query q) {
    return recommendVector(q.vector(), q.offset(), q.constant(), q.user(), q.k(), q.options());
  }

  /**
   * Top-K of {@code queries[0 .. count)} in one blocked pass: the queries' vectors are scored
   * together tile by tile as in {@link #recommendAll}, so the item factors are read once for the
   * whole batch rather than once per query, and each row is masked with its own options. Queries
   * with a candidate list are scored alone. {@code result[j]} answers {@code queries[j]}; the
   * results equal {@link #recommend(Query)}'s up to float rounding. Runs on the calling thread.
   */
  public ScoredItems[] recommendVectors(Query[] queries, int count) {
    Objects.checkFromIndexSize(0, count, queries.length);
    ScoredItems[] out = new ScoredItems[count];
    int dim = model.dim();
    int[] rows = new int[count];
    int nu = 0;
    for (int j = 0; j < count; j++) {
      if (queries[j].options().candidates() != null) {
        out[j] = recommend(queries[j]);
      } else {
        rows[nu++] = j;
      }
    }
    if (nu == 0) return out;
    if (!(model.itemStore() instanceof FactorMatrix)) {
      for (int j = 0; j < nu; j++) {
        out[rows[j]] = recommend(queries[rows[j]]); // scans the mapping in place: see the class comment
      }
      return out;
    }
    ItemPanels panels = itemPanels();
    int block = Math.min(USER_BLOCK, nu);
    float[] userRows = new float[block * dim];
    float[] scores = new float[block * panels.tileItems()];
    TopKSelector[] tops = new TopKSelector[block];
    Query[] part = new Query[block];
    for (int from = 0; from < nu; from += block) {
      int len = Math.min(block, nu - from);
      for (int j = 0; j < len; j++) {
        Query q = queries[rows[from + j]];
        part[j] = q;
        System.arraycopy(q.vector(), q.offset(), userRows, j * dim, dim);
        tops[j] = new TopKSelector(Math.min(q.k(), Math.max(1, model.numItems())));
      }
      scoreQueries(panels, part, len, tops, userRows, scores);
      for (int j = 0; j < len; j++) {
        out[rows[from + j]] = drain(tops[j], part[j].constant());
      }
    }
    return out;
  }

  public LatentFactorModel model() {
    return model;
  }

  @Override
  public ScoredItems recommend(int user, int k, RecommendOptions options) {
    return recommend(queryForUser(user, k, options));
  }

  /**
   * Top-{@code k} for an arbitrary user vector (fold-in, new users); {@code user} selects the
   * exclusions of {@code options.exclude()} and may be -1 for none.
   */
  public ScoredItems recommendVector(float[] vec, int off, float userConstant, int user, int k, RecommendOptions options) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    int n = model.numItems();
    TopKSelector top = new TopKSelector(Math.min(k, Math.max(1, n)));
    float[] scores = new float[Math.min(ITEM_TILE, Math.max(1, n))];
    scoreAndSelect(vec, off, user, options, top, scores);
    return drain(top, userConstant);
  }

  private void scoreAndSelect(float[] vec, int off, int user, RecommendOptions options, TopKSelector top, float[] scores) {
    int n = model.numItems();
    int dim = model.dim();
    FactorStore q = model.itemStore();
    float[] itemBias = model.itemBiases();
    if (options.candidates() != null) {
      // Sorted copy: a candidate listed twice is scored once, and ids arrive in increasing order.
      int[] candidates = options.candidates().clone();
      java.util.Arrays.sort(candidates);
      for (int c = 0; c < candidates.length; c++) {
        int item = candidates[c];
        if (item < 0 || item >= n) {
          throw new IllegalArgumentException("candidate item index " + item + " outside [0, " + n + ")");
        }
        if ((c > 0 && item == candidates[c - 1]) || isExcluded(user, item, options)) continue;
        float s = q.dot(item, vec, off) + (itemBias == null ? 0f : itemBias[item]);
        top.offer(item, s);
      }
      return;
    }
    for (int from = 0; from < n; from += scores.length) {
      int len = Math.min(scores.length, n - from);
      q.scoreRows(from, len, vec, off, scores, 0);
      if (itemBias != null) {
        for (int j = 0; j < len; j++) scores[j] += itemBias[from + j];
      }
      mask(user, options, from, len, scores, 0);
      top.offerAll(scores, 0, len, from);
    }
  }

  private static boolean isExcluded(int user, int item, RecommendOptions o) {
    if (o.exclude() != null && user >= 0 && user < o.exclude().numUsers() && o.exclude().contains(user, item)) {
      return true;
    }
    if (o.excludeItems() != null) {
      for (int x : o.excludeItems()) if (x == item) return true;
    }
    return false;
  }

  /** Sets excluded items of the tile [from, from+len) to -inf; item {@code from} is at {@code scores[base]}. */
  private static void mask(int user, RecommendOptions o, int from, int len, float[] scores, int base) {
    int to = from + len;
    Interactions seen = o.exclude();
    if (seen != null && user >= 0 && user < seen.numUsers()) {
      int[] ptr = seen.userPtr();
      int[] idx = seen.itemIdx();
      for (int j = ptr[user]; j < ptr[user + 1]; j++) {
        int it = idx[j];
        if (it >= from && it < to) scores[base + it - from] = Float.NEGATIVE_INFINITY;
      }
    }
    if (o.excludeItems() != null) {
      for (int it : o.excludeItems()) {
        if (it >= from && it < to) scores[base + it - from] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  private static ScoredItems drain(TopKSelector top, float constant) {
    int[] ids = new int[top.size()];
    float[] sc = new float[top.size()];
    top.drainSorted(ids, sc);
    int n = ids.length;
    while (n > 0 && sc[n - 1] == Float.NEGATIVE_INFINITY) n--; // masked items never fill a list
    if (n < ids.length) {
      ids = java.util.Arrays.copyOf(ids, n);
      sc = java.util.Arrays.copyOf(sc, n);
    }
    for (int j = 0; j < n; j++) sc[j] += constant;
    return new ScoredItems(ids, sc);
  }

  @Override
  public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads) {
    if (k <= 0 || threads <= 0) {
      throw new IllegalArgumentException("k and threads must be positive, got k=" + k + " threads=" + threads);
    }
    for (int u : users) checkUser(u);
    ScoredItems[] out = new ScoredItems[users.length];
    if (options.candidates() != null) {
      for (int j = 0; j < users.length; j++) out[j] = recommend(users[j], k, options);
      return out;
    }
    if (users.length == 0) return out;
    // Blocks of a multiple of 4 users (the micro-kernel's height), at most USER_BLOCK, at least one per thread.
    int perThread = (users.length + threads - 1) / threads;
    int block = Math.min(USER_BLOCK, (perThread + 3) & ~3);
    int blocks = (users.length + block - 1) / block;
    ItemPanels panels = itemPanels();
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      int kk = Math.min(k, Math.max(1, model.numItems()));
      TopKSelector[] tops = new TopKSelector[block];
      for (int j = 0; j < block; j++) tops[j] = new TopKSelector(kk);
      float[] userRows = new float[block * model.dim()];
      float[] scores = new float[block * panels.tileItems()];
      for (int b; (b = next.getAndIncrement()) < blocks; ) {
        int from = b * block;
        int to = Math.min(users.length, from + block);
        scoreBlock(panels, users, from, to, options, tops, userRows, scores);
        for (int j = from; j < to; j++) {
          out[j] = drain(tops[j - from], model.globalMean() + model.userBias(users[j]));
        }
      }
    };
    ItemFilter.runParallel(worker, Math.min(threads, Math.max(1, blocks)), "kindred-recommend");
    return out;
  }

  /**
   * Scores users[from..to) tile by tile: the block's rows are gathered into {@code userRows}, each
   * tile is scored for the whole block in one kernel call (row {@code j} of {@code scores} holds
   * user {@code users[from + j]}), then masked and selected row by row.
   */
  private void scoreBlock(ItemPanels panels, int[] users, int from, int to, RecommendOptions options,
      TopKSelector[] tops, float[] userRows, float[] scores) {
    FactorStore p = model.userStore();
    int dim = model.dim();
    int nu = to - from;
    int stride = panels.tileItems();
    PanelKernels kern = PanelScoring.kernels();
    for (int j = 0; j < nu; j++) {
      p.copyRow(users[from + j], userRows, j * dim);
      tops[j].reset();
    }
    for (int t = 0; t < panels.tileCount(); t++) {
      int first = panels.firstItem(t);
      int len = panels.itemsIn(t);
      kern.scorePanels(userRows, 0, nu, dim, panels.tile(t), 0, panels.panelsIn(t), panels.width(), scores, 0, stride);
      for (int j = 0; j < nu; j++) {
        int row = j * stride;
        mask(users[from + j], options, first, len, scores, row);
        select(kern, scores, row, row + len, first - row, tops[j]);
      }
    }
  }

  /** {@link #scoreBlock} for queries with their own vectors (already in {@code userRows}) and options. */
  private void scoreQueries(ItemPanels panels, Query[] queries, int nu, TopKSelector[] tops, float[] userRows,
      float[] scores) {
    int dim = model.dim();
    int stride = panels.tileItems();
    PanelKernels kern = PanelScoring.kernels();
    for (int t = 0; t < panels.tileCount(); t++) {
      int first = panels.firstItem(t);
      int len = panels.itemsIn(t);
      kern.scorePanels(userRows, 0, nu, dim, panels.tile(t), 0, panels.panelsIn(t), panels.width(), scores, 0, stride);
      for (int j = 0; j < nu; j++) {
        int row = j * stride;
        mask(queries[j].user(), queries[j].options(), first, len, scores, row);
        select(kern, scores, row, row + len, first - row, tops[j]);
      }
    }
  }

  /**
   * Same as {@code top.offerAll(s, from, to, idOffset)}: only scores {@code >=} the heap's current
   * threshold reach it (all non-NaN ones while it fills), but the vector scan rejects a run of
   * lower scores a register at a time instead of one compare per item.
   */
  private static void select(PanelKernels kern, float[] s, int from, int to, int idOffset, TopKSelector top) {
    for (int j = kern.nextAtLeast(s, from, to, top.threshold()); j < to;
        j = kern.nextAtLeast(s, j + 1, to, top.threshold())) {
      top.offer(j + idOffset, s[j]);
    }
  }

  /** Whether the batch path has packed the items onto the heap (for tests). */
  boolean packedItems() {
    return itemPanels != null;
  }

  /** The packed item tiles of the batch path, built once (double-checked, so only one copy is kept). */
  private ItemPanels itemPanels() {
    ItemPanels p = itemPanels;
    if (p == null) {
      synchronized (this) {
        p = itemPanels;
        if (p == null) {
          int width = PanelScoring.panelWidth();
          p = new ItemPanels(model.itemStore(), model.itemBiases(), width, Math.max(1, ITEM_TILE / width));
          itemPanels = p;
        }
      }
    }
    return p;
  }

  @Override
  public ScoredItems similarItems(int item, int k) {
    int n = model.numItems();
    if (item < 0 || item >= n) {
      throw new IllegalArgumentException("item index " + item + " outside [0, " + n + ")");
    }
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    float[] norms = norms();
    FactorStore q = model.itemStore();
    float[] vec = q.row(item);
    float[] scores = new float[Math.min(ITEM_TILE, n)];
    TopKSelector top = new TopKSelector(Math.min(k, n));
    float selfNorm = norms[item];
    for (int t = 0; t < n; t += scores.length) {
      int len = Math.min(scores.length, n - t);
      q.scoreRows(t, len, vec, 0, scores, 0);
      for (int x = 0; x < len; x++) {
        float d = norms[t + x] * selfNorm;
        scores[x] = d > 0 ? scores[x] / d : 0f;
      }
      if (item >= t && item < t + len) scores[item - t] = Float.NEGATIVE_INFINITY;
      top.offerAll(scores, 0, len, t);
    }
    return drain(top, 0f);
  }

  private float[] norms() {
    float[] n = itemNorms;
    if (n == null) {
      FactorStore q = model.itemStore();
      n = new float[q.rows()];
      float[] row = new float[q.dim()];
      for (int i = 0; i < n.length; i++) {
        q.copyRow(i, row, 0);
        n[i] = (float) Math.sqrt(VectorOps.kernels().dot(row, 0, row, 0, row.length));
      }
      itemNorms = n;
    }
    return n;
  }

  private void checkUser(int user) {
    if (user < 0 || user >= model.numUsers()) {
      throw new IllegalArgumentException("user index " + user + " outside [0, " + model.numUsers() + ")");
    }
  }
}
