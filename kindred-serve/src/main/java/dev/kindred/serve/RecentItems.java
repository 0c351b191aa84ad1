package dev.kindred.serve;

import dev.kindred.core.ColdStartItems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Items posted since the serving model's item side was last rebuilt: their ids, vectors and biases,
 * numbered after the model's own items ({@code first}, {@code first + 1}, ...). A snapshot is
 * immutable; {@link #plus} returns the next one in {@code O(dim)} amortised time, so a burst of
 * {@code N} posts costs {@code O(N dim)} rather than a copy of the catalogue per item.
 *
 * <p>Layout (invariants, checked by the constructor where cheap):
 * <ol>
 *   <li>{@code vectors} holds item {@code first + j} at {@code [j * dim, (j + 1) * dim)} for
 *       {@code j < count}; {@code biases[j]} and {@code ids[j]} likewise; {@code count} never
 *       exceeds the arrays' capacity;
 *   <li>the arrays and the id map are shared by the snapshots of one chain: a snapshot only ever
 *       writes past every earlier snapshot's {@code count} (appends go to the chain's tip, and only
 *       the posting thread, serialised by the service, appends), so what a reader sees below its
 *       own {@code count} never changes; a full array is copied into one of twice the capacity;
 *   <li>{@code ordinals} maps an id to its {@code j} for every appended item of the chain; a reader
 *       trusts an entry only when {@code j < count}.
 * </ol>
 *
 * <p>Thread-safety: readers need no lock (a snapshot reaches them through the service's volatile
 * state); {@link #plus} must be called by one thread at a time.
 */
final class RecentItems {

  /** Mutable part shared along one chain of snapshots: how far the tip has written. */
  private static final class Tip {
    int count;
  }

  private final int first;
  private final int dim;
  private final int count;
  private final String[] ids;
  private final float[] vectors;
  private final float[] biases;
  private final ConcurrentHashMap<String, Integer> ordinals;
  private final Tip tip;

  private RecentItems(int first, int dim, int count, String[] ids, float[] vectors, float[] biases,
      ConcurrentHashMap<String, Integer> ordinals, Tip tip) {
    if (count > ids.length || (long) count * dim > vectors.length || count > biases.length) {
      throw new IllegalStateException("recent items: count " + count + " exceeds the arrays' capacity");
    }
    this.first = first;
    this.dim = dim;
    this.count = count;
    this.ids = ids;
    this.vectors = vectors;
    this.biases = biases;
    this.ordinals = ordinals;
    this.tip = tip;
  }

  /** No recent item; the next one appended is item {@code first}. */
  static RecentItems none(int first, int dim) {
    return new RecentItems(first, dim, 0, new String[0], new float[0], new float[0], new ConcurrentHashMap<>(), new Tip());
  }

  /** This snapshot and one more item (its vector is copied). */
  RecentItems plus(ColdStartItems.NewItem item) {
    if (item.vector().length != dim) {
      throw new IllegalArgumentException("item " + item.id() + ": vector of " + item.vector().length
          + " floats, the model's dimension is " + dim);
    }
    String[] i = ids;
    float[] v = vectors;
    float[] b = biases;
    if (tip.count != count || count == ids.length) {
      // Not the tip (a branch) or full: continue in arrays of our own, with room to grow.
      int capacity = Math.max(8, 2 * count);
      i = Arrays.copyOf(ids, capacity);
      v = Arrays.copyOf(vectors, capacity * dim);
      b = Arrays.copyOf(biases, capacity);
    }
    ConcurrentHashMap<String, Integer> map = tip.count == count ? ordinals : new ConcurrentHashMap<>(ordinals);
    Tip t = tip.count == count ? tip : new Tip();
    i[count] = item.id();
    System.arraycopy(item.vector(), 0, v, count * dim, dim);
    b[count] = item.bias();
    map.put(item.id(), count);
    t.count = count + 1;
    return new RecentItems(first, dim, count + 1, i, v, b, map, t);
  }

  /** The items after the first {@code n} of this snapshot, numbered from {@code newFirst}. */
  RecentItems after(int n, int newFirst) {
    RecentItems out = none(newFirst, dim);
    for (int j = n; j < count; j++) out = out.plus(item(j));
    return out;
  }

  /** Every item of this snapshot, for a rebuild of the item side. */
  List<ColdStartItems.NewItem> items() {
    List<ColdStartItems.NewItem> out = new ArrayList<>(count);
    for (int j = 0; j < count; j++) out.add(item(j));
    return out;
  }

  private ColdStartItems.NewItem item(int j) {
    return new ColdStartItems.NewItem(ids[j], Arrays.copyOfRange(vectors, j * dim, (j + 1) * dim), biases[j]);
  }

  int size() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** The serving index of the first recent item (the model's item count). */
  int first() {
    return first;
  }

  /** The serving index of {@code id}, or -1 when it is not a recent item. */
  int indexOf(String id) {
    Integer j = ordinals.get(id);
    return j != null && j < count ? first + j : -1;
  }

  /** Whether serving index {@code i} is a recent item of this snapshot. */
  boolean holds(int i) {
    return i >= first && i < first + count;
  }

  String id(int i) {
    return ids[i - first];
  }

  float bias(int i) {
    return biases[i - first];
  }

  /** The backing array of the vectors: item {@code i} starts at {@link #offset(int)}. */
  float[] vectors() {
    return vectors;
  }

  int offset(int i) {
    return (i - first) * dim;
  }
}
