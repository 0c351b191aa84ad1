package dev.kindred.math;

/**
 * Keeps the {@code k} highest-scoring ids seen so far in a bounded min-heap: {@code O(log k)} per
 * accepted candidate, {@code O(1)} per rejected one. Ties keep the lower id (first offered when
 * ids arrive in increasing order), so results are deterministic.
 *
 * <p>Reusable: {@link #reset()} clears it without allocating. Not thread-safe; one per thread.
 */
public final class TopKSelector {

  private final int capacity;
  private final int[] ids;
  private final float[] scores;
  private int size;

  public TopKSelector(int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    this.capacity = k;
    this.ids = new int[k];
    this.scores = new float[k];
  }

  public int capacity() {
    return capacity;
  }

  public int size() {
    return size;
  }

  public void reset() {
    size = 0;
  }

  /** Lowest score kept so far, or negative infinity while the heap is not full. */
  public float threshold() {
    return size < capacity ? Float.NEGATIVE_INFINITY : scores[0];
  }

  /** Offers a candidate; NaN scores are ignored. */
  public void offer(int id, float score) {
    if (size < capacity) {
      if (score != score) {
        return;
      }
      int i = size++;
      ids[i] = id;
      scores[i] = score;
      siftUp(i);
    } else if (worse(ids[0], scores[0], id, score)) {
      ids[0] = id;
      scores[0] = score;
      siftDown(0);
    }
  }

  /** Offers {@code s[from..to)}, the score at index {@code j} under id {@code j + idOffset}. */
  public void offerAll(float[] s, int from, int to, int idOffset) {
    for (int j = from; j < to; j++) {
      float v = s[j];
      if (size == capacity && !(v >= scores[0])) {
        continue; // fast reject of lower scores and NaN; an equal score may still win on a lower id
      }
      offer(j + idOffset, v);
    }
  }

  /**
   * Writes the kept ids and scores, best first, into the arrays and returns how many; the
   * selector is empty afterwards.
   */
  public int drainSorted(int[] outIds, float[] outScores) {
    int n = size;
    for (int i = n - 1; i >= 0; i--) {
      outIds[i] = ids[0];
      outScores[i] = scores[0];
      size--;
      if (size > 0) {
        ids[0] = ids[size];
        scores[0] = scores[size];
        siftDown(0);
      }
    }
    return n;
  }

  /** True if (idA, sA) ranks below (idB, sB): lower score, or equal score and higher id. */
  private static boolean worse(int idA, float sA, int idB, float sB) {
    return sA < sB || (sA == sB && idA > idB);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(ids[i], scores[i], ids[parent], scores[parent])) {
        break;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int r = l + 1;
      int m = (r < size && worse(ids[r], scores[r], ids[l], scores[l])) ? r : l;
      if (!worse(ids[m], scores[m], ids[i], scores[i])) {
        return;
      }
      swap(i, m);
      i = m;
    }
  }

  private void swap(int a, int b) {
    int ti = ids[a];
    ids[a] = ids[b];
    ids[b] = ti;
    float ts = scores[a];
    scores[a] = scores[b];
    scores[b] = ts;
  }
}
