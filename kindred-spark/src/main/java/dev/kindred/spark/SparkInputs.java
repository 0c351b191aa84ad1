package dev.kindred.spark;

import dev.kindred.core.IdIndex;
import dev.kindred.train.registry.ModelSpec;
import java.util.Arrays;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input checks of {@code kindred train}, applied to distributed interactions by
 * {@code spark-train}: {@code --implicit} (every value 1), the k-core filter
 * ({@code --min-user-interactions}, {@code --min-item-interactions}) and the registry's warning for
 * data a model would silently misread ({@link ModelSpec.Configured#warnAboutData}).
 *
 * <p>The k-core runs on the cluster after loading, in rounds: each round counts every user's and
 * item's interactions among the survivors in one pass over the cached chunks (a per-partition
 * {@code int} array of {@code users + items} entries, summed by a tree aggregate), then drops the
 * users and items below their threshold; it stops when a round drops nothing, so the result is the
 * same k-core as kindred-data's {@code Filters.kCore}. Then the survivors are renumbered in their
 * old order (ids stay sorted) and the chunks rewritten once. Cost per round: one pass over the
 * data and {@code 4 (users + items)} bytes per task and on the driver; rounds are few in practice
 * (each removes every node below the threshold at once).
 *
 * @param implicit set every value to 1
 * @param minUser keep users with at least this many interactions (0 or 1: no filter)
 * @param minItem keep items with at least this many interactions (0 or 1: no filter)
 */
public record SparkInputs(boolean implicit, int minUser, int minItem) implements java.io.Serializable {

  /** No change to the data. */
  public static final SparkInputs NONE = new SparkInputs(false, 0, 0);

  private static final Logger LOG = LoggerFactory.getLogger(SparkInputs.class);

  public SparkInputs {
    if (minUser < 0 || minItem < 0) {
      throw new IllegalArgumentException("--min-user-interactions and --min-item-interactions must be >= 0");
    }
  }

  /** True when the k-core filter does anything. */
  public boolean filters() {
    return minUser > 1 || minItem > 1;
  }

  /**
   * The data with these checks applied; {@code data} itself when there is nothing to do, else new
   * cached chunks (the caller unpersists {@code data} when it no longer needs it).
   *
   * @throws IllegalArgumentException naming {@code source} when the filter keeps nothing
   */
  public SparkInteractions apply(SparkInteractions data, StorageLevel level, String source) {
    SparkInteractions d = data;
    if (implicit) {
      d = d.derived(d.users(), d.items(), d.chunks().map(c -> {
        float[] ones = new float[c.size()];
        Arrays.fill(ones, 1f);
        return c.withValues(ones);
      }).persist(level));
    }
    if (filters()) {
      SparkInteractions before = d;
      d = kCore(d, level);
      if (before != data) before.unpersist();
      if (d.size() == 0) {
        throw new IllegalArgumentException(source + ": no interactions are left after --min-user-interactions "
            + minUser + " and --min-item-interactions " + minItem);
      }
    }
    return d;
  }

  /** The registry's warning for this model on these values (logged and returned), or empty. */
  public static Optional<String> warn(ModelSpec.Configured<?> model, SparkInteractions data) {
    float[] range = data.chunks().map(c -> {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < c.size(); j++) {
        lo = Math.min(lo, c.value(j));
        hi = Math.max(hi, c.value(j));
      }
      return new float[] {lo, hi};
    }).fold(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY},
        (a, b) -> new float[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    return model.warnAboutData(range[0] < range[1]);
  }

  private SparkInteractions kCore(SparkInteractions d, StorageLevel level) {
    int nu = d.numUsers();
    int ni = d.numItems();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(d.chunks().context());
    boolean[] alive = new boolean[nu + ni]; // users, then items
    Arrays.fill(alive, true);
    int minU = Math.max(1, minUser);
    int minI = Math.max(1, minItem);
    for (int round = 1; ; round++) {
      Broadcast<boolean[]> live = sc.broadcast(alive);
      int[] degree = d.chunks().treeAggregate(new int[nu + ni], (acc, c) -> {
        boolean[] a = live.value();
        for (int j = 0; j < c.size(); j++) {
          int u = c.user(j);
          int i = nu + c.item(j);
          if (a[u] && a[i]) {
            acc[u]++;
            acc[i]++;
          }
        }
        return acc;
      }, (a, b) -> {
        for (int x = 0; x < a.length; x++) a[x] += b[x];
        return a;
      });
      live.destroy();
      int dropped = 0;
      for (int x = 0; x < nu + ni; x++) {
        if (alive[x] && degree[x] < (x < nu ? minU : minI)) {
          alive[x] = false;
          dropped++;
        }
      }
      LOG.info("k-core round {}: {} users and items dropped", round, dropped);
      if (dropped == 0) break;
    }
    int[] renumber = new int[nu + ni];
    int keptUsers = 0;
    int keptItems = 0;
    for (int x = 0; x < nu + ni; x++) {
      renumber[x] = !alive[x] ? -1 : x < nu ? keptUsers++ : keptItems++;
    }
    Broadcast<int[]> map = sc.broadcast(renumber);
    JavaRDD<InteractionChunk> chunks = d.chunks().map(c -> {
      int[] m = map.value();
      int n = 0;
      for (int j = 0; j < c.size(); j++) if (m[c.user(j)] >= 0 && m[nu + c.item(j)] >= 0) n++;
      int[] u = new int[n];
      int[] i = new int[n];
      float[] v = new float[n];
      long[] t = c.hasTimestamps() ? new long[n] : null;
      int w = 0;
      for (int j = 0; j < c.size(); j++) {
        if (m[c.user(j)] >= 0 && m[nu + c.item(j)] >= 0) {
          u[w] = m[c.user(j)];
          i[w] = m[nu + c.item(j)];
          v[w] = c.value(j);
          if (t != null) t[w] = c.timestamp(j);
          w++;
        }
      }
      return new InteractionChunk(u, i, v, t);
    }).persist(level);
    return d.derived(kept(d.users(), alive, 0, nu, keptUsers), kept(d.items(), alive, nu, ni, keptItems), chunks);
  }

  /** The ids of {@code index} whose {@code alive[offset + x]} holds, in order, in the same mode (numeric or not). */
  private static IdIndex kept(IdIndex index, boolean[] alive, int offset, int n, int count) {
    if (index.isNumeric()) {
      long[] ids = new long[count];
      int w = 0;
      for (int x = 0; x < n; x++) if (alive[offset + x]) ids[w++] = index.longId(x);
      return IdIndex.ofLongs(ids);
    }
    java.util.List<String> ids = new java.util.ArrayList<>(count);
    for (int x = 0; x < n; x++) if (alive[offset + x]) ids.add(index.externalId(x));
    return IdIndex.ofStrings(ids);
  }
}
