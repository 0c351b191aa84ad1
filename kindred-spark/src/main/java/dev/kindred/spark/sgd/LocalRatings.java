package dev.kindred.spark.sgd;

import dev.kindred.spark.InteractionChunk;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * The ratings of one partition (one user block), in two orders: sorted by (user, item) for the
 * membership tests of negative sampling, and a seeded SGD visiting order grouped by item block.
 *
 * <p>Invariants (checked in the constructor):
 * <ol>
 *   <li>{@code users}, {@code items}, {@code values} are parallel, of length {@code size()}, sorted
 *       by user then item, with no repeated (user, item) pair.
 *   <li>{@code groupStart} has {@code groups + 1} non-decreasing entries from 0 to {@code size()};
 *       {@code order[groupStart[g] .. groupStart[g+1])} are the indices of the ratings whose item
 *       is in block {@code g} ({@code item mod groups == g}), each index once.
 * </ol>
 * Memory: 20 bytes per rating. Immutable after construction; shared read-only by tasks.
 */
final class LocalRatings implements Serializable {

  private static final long serialVersionUID = 1L;

  final int partition;
  final int[] users;
  final int[] items;
  final float[] values;
  final int groups;
  final int[] groupStart;
  final int[] order;
  /** Run (distinct user, in order) of each rating, and where each run starts; derived from {@code users}. */
  private final int[] runOf;
  private final int[] runStart;

  private LocalRatings(int partition, int[] users, int[] items, float[] values, int groups, int[] groupStart,
      int[] order) {
    this.partition = partition;
    this.users = users;
    this.items = items;
    this.values = values;
    this.groups = groups;
    this.groupStart = groupStart;
    this.order = order;
    checkInvariants();
    int n = users.length;
    runOf = new int[n];
    int runs = 0;
    for (int j = 0; j < n; j++) {
      if (j > 0 && users[j] != users[j - 1]) runs++;
      runOf[j] = runs;
    }
    runStart = new int[n == 0 ? 1 : runs + 2];
    for (int j = n - 1; j >= 0; j--) runStart[runOf[j]] = j;
    runStart[runStart.length - 1] = n;
  }

  private void checkInvariants() {
    int n = users.length;
    if (items.length != n || values.length != n || order.length != n || groupStart.length != groups + 1
        || groupStart[0] != 0 || groupStart[groups] != n) {
      throw new IllegalStateException("LocalRatings " + partition + ": array lengths do not match " + n);
    }
    for (int j = 1; j < n; j++) {
      if (users[j] < users[j - 1] || (users[j] == users[j - 1] && items[j] <= items[j - 1])) {
        throw new IllegalStateException("LocalRatings " + partition + ": not sorted or repeated pair at " + j
            + ": (" + users[j] + ", " + items[j] + ")");
      }
    }
    for (int g = 0; g < groups; g++) {
      for (int x = groupStart[g]; x < groupStart[g + 1]; x++) {
        if (items[order[x]] % groups != g) {
          throw new IllegalStateException("LocalRatings " + partition + ": rating " + order[x] + " in group " + g);
        }
      }
    }
  }

  int size() {
    return users.length;
  }

  /**
   * Builds a partition from its chunks: sorts by (user, item) with two counting-sort passes
   * ({@code O(n + numUsers + numItems)}), then shuffles each item group with a generator seeded by
   * {@code (seed, partition, group)} so the visiting order does not depend on arrival order.
   */
  static LocalRatings build(int partition, Iterator<InteractionChunk> chunks, int numUsers, int numItems, int groups,
      long seed) {
    java.util.List<InteractionChunk> list = new java.util.ArrayList<>();
    int n = 0;
    while (chunks.hasNext()) {
      InteractionChunk c = chunks.next();
      list.add(c);
      n += c.size();
    }
    int[] u0 = new int[n];
    int[] i0 = new int[n];
    float[] v0 = new float[n];
    int at = 0;
    for (InteractionChunk c : list) {
      for (int j = 0; j < c.size(); j++, at++) {
        u0[at] = c.user(j);
        i0[at] = c.item(j);
        v0[at] = c.value(j);
        if (u0[at] >= numUsers || i0[at] >= numItems) {
          throw new IllegalArgumentException("partition " + partition + ": pair (" + u0[at] + ", " + i0[at]
              + ") outside " + numUsers + " x " + numItems);
        }
      }
    }
    // Stable counting sort by item, then by user: the result is sorted by (user, item).
    int[] byItem = countingOrder(i0, null, numItems);
    int[] byUser = countingOrder(u0, byItem, numUsers);
    int[] users = new int[n];
    int[] items = new int[n];
    float[] values = new float[n];
    for (int j = 0; j < n; j++) {
      int src = byUser[j];
      users[j] = u0[src];
      items[j] = i0[src];
      values[j] = v0[src];
    }
    int[] groupStart = new int[groups + 1];
    for (int j = 0; j < n; j++) groupStart[items[j] % groups + 1]++;
    for (int g = 0; g < groups; g++) groupStart[g + 1] += groupStart[g];
    int[] fill = Arrays.copyOf(groupStart, groups);
    int[] order = new int[n];
    for (int j = 0; j < n; j++) order[fill[items[j] % groups]++] = j;
    for (int g = 0; g < groups; g++) {
      SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, partition, g));
      for (int x = groupStart[g + 1] - 1; x > groupStart[g]; x--) {
        int y = groupStart[g] + rng.nextInt(x - groupStart[g] + 1);
        int t = order[x];
        order[x] = order[y];
        order[y] = t;
      }
    }
    return new LocalRatings(partition, users, items, values, groups, groupStart, order);
  }

  /** Stable order of {@code within} (or of 0..n-1) by {@code key}, keys in {@code [0, range)}. */
  private static int[] countingOrder(int[] key, int[] within, int range) {
    int n = key.length;
    int[] count = new int[range + 1];
    for (int j = 0; j < n; j++) count[key[j] + 1]++;
    for (int r = 0; r < range; r++) count[r + 1] += count[r];
    int[] out = new int[n];
    for (int j = 0; j < n; j++) {
      int src = within == null ? j : within[j];
      out[count[key[src]]++] = src;
    }
    return out;
  }

  /**
   * The ratings as CSR rows over {@code numUsers} users: user {@code u}'s items are
   * {@code items[ptr[u] .. ptr[u + 1])}, sorted (users outside this partition have empty rows).
   */
  int[] userPtr(int numUsers) {
    int[] ptr = new int[numUsers + 1];
    for (int u : users) ptr[u + 1]++;
    for (int u = 0; u < numUsers; u++) ptr[u + 1] += ptr[u];
    return ptr;
  }

  /** True when the user of rating {@code at} also rated {@code item}: a binary search in that user's run. */
  boolean contains(int at, int item) {
    int run = runOf[at];
    return Arrays.binarySearch(items, runStart[run], runStart[run + 1], item) >= 0;
  }
}
