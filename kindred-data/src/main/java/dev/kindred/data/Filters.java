package dev.kindred.data;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cleaning filters. Results that drop users or items are compacted: they get new
 * {@link IdIndex}es holding only the surviving ids, in their old relative order, with external
 * ids unchanged. Filters that only drop pairs keep the indices (see each method).
 *
 * <p>Thread-safety: stateless; inputs are only read.
 */
public final class Filters {

  private Filters() {}

  /**
   * The k-core: repeatedly drops users with fewer than {@code minPerUser} pairs and items with
   * fewer than {@code minPerItem} until every remaining user and item has enough (the fixed point
   * does not depend on the order of removal). Compacted: users and items left without pairs are
   * removed from the indices. A threshold of 0 or 1 puts no constraint on that side.
   *
   * <p>Cost O(pairs + users + items): a queue peels each pair at most once.
   */
  public static Interactions kCore(Interactions data, int minPerUser, int minPerItem) {
    if (minPerUser < 0 || minPerItem < 0) {
      throw new IllegalArgumentException("k-core thresholds must be >= 0, got users " + minPerUser + ", items "
          + minPerItem);
    }
    int nu = data.numUsers();
    int ni = data.numItems();
    int[] userPtr = data.userPtr();
    int[] itemIdx = data.itemIdx();
    int[] itemPtr = data.itemPtr();
    int[] userIdx = data.userIdx();
    int[] cscToCsr = data.cscToCsr();
    boolean[] keep = new boolean[data.size()];
    Arrays.fill(keep, true);
    int[] udeg = new int[nu];
    int[] ideg = new int[ni];
    for (int u = 0; u < nu; u++) {
      udeg[u] = data.userDegree(u);
    }
    for (int i = 0; i < ni; i++) {
      ideg[i] = data.itemDegree(i);
    }
    // Queue entries: users as u, items as nu + i. A node is queued once, when it first falls short.
    int[] queue = new int[nu + ni];
    boolean[] queued = new boolean[nu + ni];
    int head = 0;
    int tail = 0;
    for (int u = 0; u < nu; u++) {
      if (udeg[u] > 0 && udeg[u] < minPerUser) {
        queue[tail++] = u;
        queued[u] = true;
      }
    }
    for (int i = 0; i < ni; i++) {
      if (ideg[i] > 0 && ideg[i] < minPerItem) {
        queue[tail++] = nu + i;
        queued[nu + i] = true;
      }
    }
    if (tail == 0) {
      return compact(data);
    }
    while (head < tail) {
      int x = queue[head++];
      if (x < nu) {
        for (int j = userPtr[x]; j < userPtr[x + 1]; j++) {
          if (keep[j]) {
            keep[j] = false;
            udeg[x]--;
            int i = itemIdx[j];
            if (--ideg[i] < minPerItem && ideg[i] > 0 && !queued[nu + i]) {
              queue[tail++] = nu + i;
              queued[nu + i] = true;
            }
          }
        }
      } else {
        int i = x - nu;
        for (int p = itemPtr[i]; p < itemPtr[i + 1]; p++) {
          int j = cscToCsr[p];
          if (keep[j]) {
            keep[j] = false;
            ideg[i]--;
            int u = userIdx[p];
            if (--udeg[u] < minPerUser && udeg[u] > 0 && !queued[u]) {
              queue[tail++] = u;
              queued[u] = true;
            }
          }
        }
      }
    }
    return compact(data.select(keep));
  }

  /**
   * Drops users and items that have no pairs and re-indexes the rest (old relative order,
   * external ids kept). Note that compacting a train set alone breaks its alignment with a test
   * set cut from the same data; compact before splitting.
   */
  public static Interactions compact(Interactions data) {
    int nu = data.numUsers();
    int ni = data.numItems();
    int[] newUser = new int[nu];
    int users = 0;
    for (int u = 0; u < nu; u++) {
      newUser[u] = data.userDegree(u) > 0 ? users++ : -1;
    }
    int[] newItem = new int[ni];
    int items = 0;
    for (int i = 0; i < ni; i++) {
      newItem[i] = data.itemDegree(i) > 0 ? items++ : -1;
    }
    if (users == nu && items == ni && data.userIndex().size() == nu && data.itemIndex().size() == ni) {
      return data;
    }
    int[] ptr = new int[users + 1];
    int[] oldPtr = data.userPtr();
    int[] oldItems = data.itemIdx();
    int[] it = new int[data.size()];
    int w = 0;
    for (int u = 0; u < nu; u++) {
      if (newUser[u] < 0) {
        continue;
      }
      for (int j = oldPtr[u]; j < oldPtr[u + 1]; j++) {
        it[w++] = newItem[oldItems[j]]; // monotone map: rows stay sorted
      }
      ptr[newUser[u] + 1] = w;
    }
    return new Interactions(subset(data.userIndex(), newUser, users), subset(data.itemIndex(), newItem, items), users,
        items, ptr, it, data.values().clone(), data.timestamps() == null ? null : data.timestamps().clone());
  }

  /**
   * Keeps the pairs whose value is at least {@code threshold} (e.g. ratings >= 4 as positive
   * implicit feedback). Same indices and dimensions; combine with {@link #compact} to drop ids
   * left without pairs.
   */
  public static Interactions minValue(Interactions data, float threshold) {
    if (Float.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold is NaN");
    }
    float[] v = data.values();
    boolean[] keep = new boolean[v.length];
    for (int j = 0; j < v.length; j++) {
      keep[j] = v[j] >= threshold;
    }
    return data.select(keep);
  }

  /** The ids of {@code old} whose new index is not -1, at their new indices. */
  private static IdIndex subset(IdIndex old, int[] newIndex, int size) {
    if (old.isNumeric()) {
      long[] ids = new long[size];
      for (int k = 0; k < newIndex.length; k++) {
        if (newIndex[k] >= 0) {
          ids[newIndex[k]] = old.longId(k);
        }
      }
      return IdIndex.ofLongs(ids);
    }
    List<String> ids = new ArrayList<>(size);
    for (int k = 0; k < newIndex.length; k++) {
      if (newIndex[k] >= 0) {
        ids.add(old.externalId(k));
      }
    }
    return IdIndex.ofStrings(ids);
  }
}
