package dev.kindred.data;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import it.unimi.dsi.fastutil.ints.IntArrays;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;

/**
 * Generates interaction data with known structure, for tests and benchmarks.
 *
 * <p>Model (symbols as in the matrix-factorisation literature, e.g. Koren, Bell, Volinsky 2009,
 * doi:10.1109/MC.2009.263):
 * <ul>
 *   <li>planted preference {@code s(u, i) = mu + b_u + b_i + p_u . q_i} with {@code mu} =
 *       {@value #GLOBAL_MEAN}, {@code b_u ~ N(0, }{@value #USER_BIAS_STD}{@code ^2)},
 *       {@code b_i ~ N(0, }{@value #ITEM_BIAS_STD}{@code ^2)}, and factor entries
 *       {@code ~ N(0, }{@value #DOT_STD}{@code  / sqrt(rank))}, so that {@code p_u . q_i} has
 *       standard deviation {@value #DOT_STD} at any rank;
 *   <li>explicit: rating {@code = clip(s(u, i) + N(0, noise^2), 1, 5)} rounded to 3 decimals
 *       (continuous, so the planted noise is measurable: the RMSE of
 *       {@link #expectedRating} on the data is about {@code noise}, a little less where clipping
 *       bites);
 *   <li>implicit: a candidate item (drawn by popularity) becomes an event (value 1) with
 *       probability {@code sigmoid(}{@value #IMPLICIT_SLOPE}{@code  * (b_i + p_u . q_i + N(0, noise^2)))};
 *   <li>item popularity is Zipf with {@code popularityExponent} over a random permutation of the
 *       items (popularity is not id order); user activity is Zipf with {@code activityExponent}
 *       over a random permutation of the users, scaled to exactly {@code interactions} pairs
 *       (a user has at most {@code items}); each user's items are distinct;
 *   <li>each user is active in a random window of the time span; their timestamps are sorted
 *       uniform times in it (non-decreasing in file order), in random item order.
 * </ul>
 *
 * <p><b>Taste</b> ({@link SyntheticConfig#taste()} {@code = tau > 0}): the planted preferences
 * then decide which items a user interacts with, not only the rating values (a discrete-choice
 * model as in Marlin and Zemel 2009, doi:10.1145/1639714.1639717, missing not at random). Each user
 * belongs to one of {@code G = tasteGroups} groups drawn uniformly; {@code p_u = m_g + d_u} with a
 * group centroid {@code m_g} carrying {@value #GROUP_SHARE} of the factor variance and an individual
 * part {@code d_u} the rest, so {@code p_u . q_i} keeps its standard deviation. Items are drawn
 * without replacement with probability proportional to
 * {@code pop_i * exp(tau (b_i + m_g . q_i)) * sigmoid(tau d_u . q_i)}: an alias table per group
 * gives the first two factors in O(1), and the last is an acceptance test (about half the draws
 * pass). Implicit data then has no further acceptance step (the choice already follows the
 * score); explicit ratings are drawn as above. With {@code tau = 0} the output is exactly that of
 * the generator before taste existed. Extra cost: O(G x items) memory and O(G x items x rank) time
 * to build the group samplers; still O(rank) per row.
 * Output rows are {@code user \t item \t rating \t timestamp} with user ids {@code 1..users}
 * and item ids {@code 1..items}, user by user in id order.
 *
 * <p>Determinism: everything derives from the seed; each user draws from its own generator
 * seeded from (seed, user), so equal configs give byte-identical files.
 *
 * <p>Cost: O(items x rank) memory for item factors and O(users) for activity counts; rows are
 * produced user by user and streamed, so {@link #generate} writes any number of rows in that
 * memory. Time O(rank) per explicit row (an implicit row needs about two candidate draws). A
 * user needing a large share of the items falls back to an O(items log items) weighted draw
 * without replacement. Instances are immutable; generating methods may run concurrently.
 */
public final class SyntheticGenerator {

  public static final double GLOBAL_MEAN = 3.5;
  public static final double USER_BIAS_STD = 0.25;
  public static final double ITEM_BIAS_STD = 0.35;
  public static final double DOT_STD = 0.8;
  public static final double IMPLICIT_SLOPE = 2.0;
  public static final double MIN_RATING = 1;
  public static final double MAX_RATING = 5;
  /** Share of a user's factor variance that comes from their taste group (taste > 0 only). */
  public static final double GROUP_SHARE = 0.6;

  private final SyntheticConfig config;
  private final int rank;
  private final double factorStd;
  private final float[] itemFactors; // items x rank, row-major
  private final float[] itemBias;
  private final double[] itemWeight; // popularity weight by item
  private final int[] itemByPopularity; // popularity rank -> item
  private final AliasSampler popularity; // over popularity ranks
  private final int[] counts; // pairs per user
  private final long userSeedBase;
  private final float[] groupCentroids; // tasteGroups x rank, row-major; null without taste
  private final AliasSampler[] groupSamplers; // over items, one per taste group; null without taste

  /** Draws the item side, the popularity permutation and the users' activity; O(items x rank + users). */
  public SyntheticGenerator(SyntheticConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.rank = config.rank();
    this.factorStd = Math.sqrt(DOT_STD / Math.sqrt(rank));
    SplittableRandom master = new SplittableRandom(config.seed());
    SplittableRandom itemRandom = master.split();
    SplittableRandom permRandom = master.split();
    SplittableRandom activityRandom = master.split();
    userSeedBase = master.nextLong();

    int items = config.items();
    itemFactors = new float[Math.multiplyExact(items, rank)];
    itemBias = new float[items];
    for (int i = 0; i < items; i++) {
      itemBias[i] = (float) (ITEM_BIAS_STD * itemRandom.nextGaussian());
      for (int k = 0; k < rank; k++) {
        itemFactors[i * rank + k] = (float) (factorStd * itemRandom.nextGaussian());
      }
    }
    itemByPopularity = permutation(items, permRandom);
    double[] rankWeight = zipf(items, config.popularityExponent());
    itemWeight = new double[items];
    for (int r = 0; r < items; r++) {
      itemWeight[itemByPopularity[r]] = rankWeight[r];
    }
    popularity = new AliasSampler(rankWeight);
    counts = activity(config, activityRandom);
    if (config.taste() > 0) {
      // Split after the seed base, so that taste = 0 leaves every earlier stream as it was.
      SplittableRandom groupRandom = master.split();
      int groups = config.tasteGroups();
      double centroidStd = factorStd * Math.sqrt(GROUP_SHARE);
      groupCentroids = new float[Math.multiplyExact(groups, rank)];
      for (int j = 0; j < groupCentroids.length; j++) {
        groupCentroids[j] = (float) (centroidStd * groupRandom.nextGaussian());
      }
      groupSamplers = new AliasSampler[groups];
      double[] w = new double[items];
      for (int g = 0; g < groups; g++) {
        for (int i = 0; i < items; i++) {
          w[i] = groupLogWeight(g, i);
        }
        double max = Arrays.stream(w).max().orElse(0);
        for (int i = 0; i < items; i++) {
          w[i] = Math.exp(w[i] - max);
        }
        groupSamplers[g] = new AliasSampler(w);
      }
    } else {
      groupCentroids = null;
      groupSamplers = null;
    }
  }

  /** {@code log(pop_i) + tau (b_i + m_g . q_i)}: the log choice weight of item {@code i} for group {@code g}. */
  private double groupLogWeight(int g, int i) {
    double s = 0;
    int off = i * rank;
    int c = g * rank;
    for (int k = 0; k < rank; k++) {
      s += groupCentroids[c + k] * itemFactors[off + k];
    }
    return Math.log(itemWeight[i]) + config.taste() * (itemBias[i] + s);
  }

  public SyntheticConfig config() {
    return config;
  }

  /** The planted noise standard deviation ({@link SyntheticConfig#noise()}). */
  public double noise() {
    return config.noise();
  }

  /** Pairs generated for user id {@code userId} (1-based). */
  public int interactionsOf(long userId) {
    return counts[userNumber(userId)];
  }

  /**
   * The planted preference {@code mu + b_u + b_i + p_u . q_i} of external ids {@code userId},
   * {@code itemId} (1-based), before noise and clipping.
   */
  public double plantedScore(long userId, long itemId) {
    int u = userNumber(userId);
    int i = itemNumber(itemId);
    SplittableRandom r = userRandom(u);
    double bu = USER_BIAS_STD * r.nextGaussian();
    float[] p = new float[rank];
    drawUserFactors(r, p, new float[rank]);
    return GLOBAL_MEAN + bu + itemBias[i] + dot(p, i);
  }

  /**
   * Draws a user's factors {@code p} after their bias; with taste, also their individual part
   * {@code d} ({@code p = m_g + d}) and returns their group, else returns -1.
   */
  private int drawUserFactors(SplittableRandom r, float[] p, float[] d) {
    if (groupCentroids == null) {
      for (int k = 0; k < rank; k++) {
        p[k] = (float) (factorStd * r.nextGaussian());
      }
      return -1;
    }
    int g = r.nextInt(groupSamplers.length);
    double individualStd = factorStd * Math.sqrt(1 - GROUP_SHARE);
    for (int k = 0; k < rank; k++) {
      d[k] = (float) (individualStd * r.nextGaussian());
      p[k] = groupCentroids[g * rank + k] + d[k];
    }
    return g;
  }

  /** The noise-free explicit rating: {@link #plantedScore} clipped to [1, 5]. */
  public double expectedRating(long userId, long itemId) {
    return clip(plantedScore(userId, itemId));
  }

  /**
   * Streams the rows to a tab-separated file {@code user \t item \t rating \t timestamp} (rating
   * with 3 decimals, or {@code 1} when implicit), written atomically (temporary file, rename).
   * Memory does not grow with the number of rows.
   */
  public void generate(Path out) throws IOException {
    AtomicFiles.write(out, os -> {
      AsciiWriter w = new AsciiWriter(os);
      boolean implicit = config.implicit();
      produce((user, item, milli, ts) -> {
        w.writeLong(user + 1L);
        w.write((byte) '\t');
        w.writeLong(item + 1L);
        w.write((byte) '\t');
        if (implicit) {
          w.write((byte) '1');
        } else {
          w.writeMilli(milli);
        }
        w.write((byte) '\t');
        w.writeLong(ts);
        w.write((byte) '\n');
      });
      w.flush();
    });
  }

  /**
   * The same rows as {@link #generate} writes, as {@link Interactions}: equal (indices, values,
   * timestamps) to reading that file with format {@code tsv}.
   *
   * @throws IllegalArgumentException if there are more interactions than one Interactions holds
   */
  public Interactions generateInMemory() {
    long total = config.interactions();
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(total + " interactions do not fit in memory at once; use generate(Path)");
    }
    int n = (int) total;
    int[] us = new int[n];
    int[] is = new int[n];
    float[] vs = new float[n];
    long[] ts = new long[n];
    IdIndex.Builder users = new IdIndex.Builder();
    IdIndex.Builder items = new IdIndex.Builder();
    int[] w = {0};
    boolean implicit = config.implicit();
    try {
      produce((user, item, milli, time) -> {
        int k = w[0]++;
        us[k] = users.add(user + 1L);
        is[k] = items.add(item + 1L);
        // milli < 2^24 and 1000 are exact floats, so this is the float nearest milli/1000, as the reader parses it
        vs[k] = implicit ? 1f : milli / 1000f;
        ts[k] = time;
      });
    } catch (IOException e) {
      throw new IllegalStateException("no I/O here", e);
    }
    IdIndex ui = users.build();
    IdIndex ii = items.build();
    return Interactions.fromCoo(ui, ii, ui.size(), ii.size(), us, is, vs, ts, n, DuplicatePolicy.LAST);
  }

  // --- generation ---------------------------------------------------------------------------------

  /** Receives generated rows; see {@link #produce}. */
  @FunctionalInterface
  public interface RowSink {
    /**
     * A row of 0-based user and item numbers (external ids are these plus one); {@code milli}
     * is the rating times 1000 (1000 when implicit).
     */
    void row(int user, int item, int milli, long ts) throws IOException;
  }

  /**
   * Streams the rows that {@link #generate} writes, in the same order, to {@code sink}, for
   * writers of other file formats. Memory does not grow with the number of rows.
   */
  public void produce(RowSink sink) throws IOException {
    int items = config.items();
    int maxCount = 0;
    for (int c : counts) {
      maxCount = Math.max(maxCount, c);
    }
    int[] stamp = new int[items]; // stamp[i] == u + 1: item i already chosen for user u
    int[] chosen = new int[maxCount];
    double[] spacing = new double[maxCount + 1];
    float[] p = new float[rank];
    float[] d = new float[rank];
    for (int u = 0; u < config.users(); u++) {
      int n = counts[u];
      if (n == 0) {
        continue;
      }
      SplittableRandom r = userRandom(u);
      double bu = USER_BIAS_STD * r.nextGaussian();
      int group = drawUserFactors(r, p, d);
      if (group < 0) {
        chooseItems(u, n, p, r, stamp, chosen);
      } else {
        chooseByTaste(u, n, group, d, r, stamp, chosen);
      }
      for (int a = n - 1; a > 0; a--) { // random order, so time does not follow popularity
        int b = r.nextInt(a + 1);
        int x = chosen[a];
        chosen[a] = chosen[b];
        chosen[b] = x;
      }
      // Sorted uniform times in the user's window from normalised exponential spacings, O(n).
      double from = 0.9 * r.nextDouble();
      double span = (1 - from) * (0.1 + 0.9 * r.nextDouble());
      double total = 0;
      for (int k = 0; k <= n; k++) {
        spacing[k] = -Math.log(1 - r.nextDouble());
        total += spacing[k];
      }
      double period = config.periodSeconds();
      double cum = 0;
      for (int k = 0; k < n; k++) {
        int item = chosen[k];
        cum += spacing[k];
        long ts = config.startTimestamp() + (long) ((from + span * (cum / total)) * period);
        int milli = 1000;
        if (!config.implicit()) {
          double rating = clip(GLOBAL_MEAN + bu + itemBias[item] + dot(p, item) + config.noise() * r.nextGaussian());
          milli = (int) Math.round(rating * 1000);
        }
        sink.row(u, item, milli, ts);
      }
    }
  }

  /** Fills {@code chosen[0, n)} with distinct items for user {@code u}. */
  private void chooseItems(int u, int n, float[] p, SplittableRandom r, int[] stamp, int[] chosen) {
    int mark = u + 1;
    int got = 0;
    long budget = 20L * n + 1000;
    boolean implicit = config.implicit();
    double noise = config.noise();
    while (got < n) {
      if (--budget < 0) {
        chooseRest(u, n, got, p, r, stamp, chosen);
        return;
      }
      int item = itemByPopularity[popularity.sample(r)];
      if (stamp[item] == mark) {
        continue;
      }
      if (implicit) {
        double score = itemBias[item] + dot(p, item) + noise * r.nextGaussian();
        if (r.nextDouble() >= sigmoid(IMPLICIT_SLOPE * score)) {
          continue;
        }
      }
      stamp[item] = mark;
      chosen[got++] = item;
    }
  }

  /**
   * Fills {@code chosen[0, n)} with distinct items for user {@code u} of taste group {@code g}
   * with individual factors {@code d}: a draw from the group's sampler, accepted with probability
   * {@code sigmoid(tau d . q_i)}.
   */
  private void chooseByTaste(int u, int n, int g, float[] d, SplittableRandom r, int[] stamp, int[] chosen) {
    int mark = u + 1;
    int got = 0;
    long budget = 20L * n + 1000;
    AliasSampler sampler = groupSamplers[g];
    double taste = config.taste();
    while (got < n) {
      if (--budget < 0) {
        chooseRestByTaste(u, n, got, g, d, r, stamp, chosen);
        return;
      }
      int item = sampler.sample(r);
      if (stamp[item] == mark || r.nextDouble() >= sigmoid(taste * dot(d, item))) {
        continue;
      }
      stamp[item] = mark;
      chosen[got++] = item;
    }
  }

  /** {@link #chooseRest} for a user of taste group {@code g}: the same weights as {@link #chooseByTaste}. */
  private void chooseRestByTaste(int u, int n, int got, int g, float[] d, SplittableRandom r, int[] stamp,
      int[] chosen) {
    double taste = config.taste();
    drawRest(u, n, got, r, stamp, chosen, i -> Math.exp(groupLogWeight(g, i)) * sigmoid(taste * dot(d, i)));
  }

  /**
   * Completes a user whose rejection sampling stalled (most of the popularity mass already
   * taken): a weighted draw without replacement over the remaining items by exponential keys
   * {@code log(U) / w} (Efraimidis and Spirakis 2006, doi:10.1016/j.ipl.2005.11.003).
   */
  private void chooseRest(int u, int n, int got, float[] p, SplittableRandom r, int[] stamp, int[] chosen) {
    boolean implicit = config.implicit();
    drawRest(u, n, got, r, stamp, chosen,
        i -> implicit ? itemWeight[i] * sigmoid(IMPLICIT_SLOPE * (itemBias[i] + dot(p, i))) : itemWeight[i]);
  }

  /**
   * The weighted draw without replacement of the items user {@code u} lacks, by exponential keys
   * {@code log(U) / w_i}.
   */
  private void drawRest(int u, int n, int got, SplittableRandom r, int[] stamp, int[] chosen,
      IntToDoubleFunction weight) {
    int mark = u + 1;
    int items = config.items();
    int need = n - got;
    double[] key = new double[items];
    // The need largest keys, in a min-heap on key (root: the smallest kept): O(items log need)
    // instead of sorting every candidate; then those few in decreasing key order, the order a
    // full sort would give them.
    int[] heap = new int[need];
    int size = 0;
    for (int i = 0; i < items; i++) {
      if (stamp[i] == mark) {
        continue;
      }
      double w = Math.max(weight.applyAsDouble(i), Double.MIN_NORMAL);
      key[i] = Math.log(1 - r.nextDouble()) / w;
      if (size < need) {
        heap[size] = i;
        siftUp(heap, size++, key);
      } else if (key[i] > key[heap[0]]) {
        heap[0] = i;
        siftDown(heap, size, key);
      }
    }
    IntArrays.quickSort(heap, 0, size, (a, b) -> Double.compare(key[b], key[a]));
    for (int k = 0; got < n; k++) {
      int item = heap[k];
      stamp[item] = mark;
      chosen[got++] = item;
    }
  }

  private static void siftUp(int[] heap, int at, double[] key) {
    int x = heap[at];
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (key[heap[parent]] <= key[x]) {
        break;
      }
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = x;
  }

  private static void siftDown(int[] heap, int size, double[] key) {
    int x = heap[0];
    int at = 0;
    while (true) {
      int child = 2 * at + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && key[heap[child + 1]] < key[heap[child]]) {
        child++;
      }
      if (key[heap[child]] >= key[x]) {
        break;
      }
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = x;
  }

  private double dot(float[] p, int item) {
    double s = 0;
    int off = item * rank;
    for (int k = 0; k < rank; k++) {
      s += p[k] * itemFactors[off + k];
    }
    return s;
  }

  private SplittableRandom userRandom(int u) {
    return new SplittableRandom(mix64(userSeedBase + 0x9E3779B97F4A7C15L * (u + 1L)));
  }

  private int userNumber(long userId) {
    if (userId < 1 || userId > config.users()) {
      throw new IllegalArgumentException("user id " + userId + " outside 1.." + config.users());
    }
    return (int) (userId - 1);
  }

  private int itemNumber(long itemId) {
    if (itemId < 1 || itemId > config.items()) {
      throw new IllegalArgumentException("item id " + itemId + " outside 1.." + config.items());
    }
    return (int) (itemId - 1);
  }

  private static double clip(double x) {
    return Math.min(MAX_RATING, Math.max(MIN_RATING, x));
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** Stafford's variant 13 of the MurmurHash3 finaliser: distinct inputs give unrelated seeds. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static int[] permutation(int n, SplittableRandom r) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int x = perm[i];
      perm[i] = perm[j];
      perm[j] = x;
    }
    return perm;
  }

  /** Weights {@code (rank + 1)^-exponent} for ranks 0..n-1. */
  private static double[] zipf(int n, double exponent) {
    double[] w = new double[n];
    for (int r = 0; r < n; r++) {
      w[r] = Math.pow(r + 1.0, -exponent);
    }
    return w;
  }

  /**
   * Pairs per user: Zipf weights over a random order of the users scaled to the total, users
   * above {@code items} capped (water-filling until none is), rounded down, and the remainder
   * handed out one by one to random users with room.
   */
  private static int[] activity(SyntheticConfig c, SplittableRandom r) {
    int users = c.users();
    int items = c.items();
    long total = c.interactions();
    double[] rankWeight = zipf(users, c.activityExponent());
    int[] order = permutation(users, r);
    double[] w = new double[users];
    for (int k = 0; k < users; k++) {
      w[order[k]] = rankWeight[k];
    }
    boolean[] capped = new boolean[users];
    long cappedCount = 0;
    double scale;
    while (true) {
      double free = 0;
      for (int u = 0; u < users; u++) {
        if (!capped[u]) {
          free += w[u];
        }
      }
      long rest = total - cappedCount * items;
      scale = free > 0 ? rest / free : 0;
      boolean changed = false;
      for (int u = 0; u < users; u++) {
        if (!capped[u] && w[u] * scale > items) {
          capped[u] = true;
          cappedCount++;
          changed = true;
        }
      }
      if (!changed) {
        break;
      }
    }
    int[] counts = new int[users];
    long sum = 0;
    for (int u = 0; u < users; u++) {
      counts[u] = capped[u] ? items : (int) Math.min(items, Math.floor(w[u] * scale));
      sum += counts[u];
    }
    // Hand out (or take back, after rounding error) the remainder among users with room.
    int[] open = new int[users];
    int nOpen = 0;
    for (int u = 0; u < users; u++) {
      if (sum < total ? counts[u] < items : counts[u] > 0) {
        open[nOpen++] = u;
      }
    }
    while (sum != total) {
      int k = r.nextInt(nOpen);
      int u = open[k];
      counts[u] += sum < total ? 1 : -1;
      sum += sum < total ? 1 : -1;
      if (counts[u] == items || counts[u] == 0) {
        open[k] = open[--nOpen];
      }
    }
    return counts;
  }

  @Override
  public String toString() {
    return "SyntheticGenerator[" + config + "]";
  }
}
