package dev.kindred.spark;

import dev.kindred.core.DuplicatePolicy;
import it.unimi.dsi.fastutil.ints.IntArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Resolves repeated (user, item) pairs among the encoded rows of one partition, by a
 * {@link DuplicatePolicy} as the single-machine reader does, and packs the result into
 * {@link InteractionChunk}s ordered by user, then item.
 *
 * <p>Rows are sorted by (user, item, input position) with a primitive index sort
 * ({@code O(n log n)}, {@code 4 n} bytes besides the rows); each run of equal pairs then keeps:
 * {@code LAST} the row with the highest (timestamp, input position); {@code MAX} the row with the
 * highest (value, timestamp, input position); {@code SUM} the values summed in double precision in
 * input order, with the highest timestamp. The input position is unique, so the result does not
 * depend on the order in which the shuffle delivered the rows. Stateless.
 */
final class DuplicateResolver {

  private DuplicateResolver() {}

  static List<InteractionChunk> resolve(Iterator<EncodedRows> batches, DuplicatePolicy policy, boolean hasTs,
      int chunkSize) {
    List<EncodedRows> in = new ArrayList<>();
    int n = 0;
    while (batches.hasNext()) {
      EncodedRows b = batches.next();
      in.add(b);
      n = Math.addExact(n, b.size());
    }
    EncodedRows all = new EncodedRows(n, hasTs);
    for (EncodedRows b : in) {
      for (int j = 0; j < b.size(); j++) {
        all.add(b.user(j), b.item(j), b.value(j), b.timestamp(j), b.order(j));
      }
    }
    in.clear();
    int[] perm = new int[n];
    for (int j = 0; j < n; j++) {
      perm[j] = j;
    }
    IntArrays.quickSort(perm, (a, b) -> {
      int c = Integer.compare(all.user(a), all.user(b));
      if (c == 0) {
        c = Integer.compare(all.item(a), all.item(b));
      }
      return c != 0 ? c : Long.compare(all.order(a), all.order(b));
    });
    ChunkWriter out = new ChunkWriter(chunkSize, hasTs);
    for (int from = 0; from < n; ) {
      int to = from + 1;
      while (to < n && all.user(perm[to]) == all.user(perm[from]) && all.item(perm[to]) == all.item(perm[from])) {
        to++;
      }
      int keep = perm[from];
      double sum = 0;
      long latest = Long.MIN_VALUE;
      for (int k = from; k < to; k++) {
        int r = perm[k];
        sum += all.value(r);
        latest = Math.max(latest, all.timestamp(r));
        if (k > from && wins(policy, all, r, keep)) {
          keep = r;
        }
      }
      if (policy == DuplicatePolicy.SUM) {
        out.add(all.user(keep), all.item(keep), (float) sum, latest);
      } else {
        out.add(all.user(keep), all.item(keep), all.value(keep), all.timestamp(keep));
      }
      from = to;
    }
    return out.finish();
  }

  /** Whether row {@code r} replaces {@code keep}; rows are visited in input order. */
  private static boolean wins(DuplicatePolicy policy, EncodedRows rows, int r, int keep) {
    return switch (policy) {
      case LAST -> rows.timestamp(r) >= rows.timestamp(keep);
      case MAX -> {
        int c = Float.compare(rows.value(r), rows.value(keep));
        yield c > 0 || (c == 0 && rows.timestamp(r) >= rows.timestamp(keep));
      }
      case SUM -> false;
    };
  }

  /** Fills chunks of {@code chunkSize} entries; the last one is cut to size. */
  private static final class ChunkWriter {
    private final int chunkSize;
    private final boolean hasTs;
    private final List<InteractionChunk> chunks = new ArrayList<>();
    private int[] u;
    private int[] i;
    private float[] v;
    private long[] t;
    private int n;

    ChunkWriter(int chunkSize, boolean hasTs) {
      this.chunkSize = chunkSize;
      this.hasTs = hasTs;
      start();
    }

    private void start() {
      u = new int[chunkSize];
      i = new int[chunkSize];
      v = new float[chunkSize];
      t = hasTs ? new long[chunkSize] : null;
      n = 0;
    }

    void add(int user, int item, float value, long timestamp) {
      u[n] = user;
      i[n] = item;
      v[n] = value;
      if (t != null) {
        t[n] = timestamp;
      }
      if (++n == chunkSize) {
        chunks.add(new InteractionChunk(u, i, v, t));
        start();
      }
    }

    List<InteractionChunk> finish() {
      if (n > 0) {
        chunks.add(new InteractionChunk(Arrays.copyOf(u, n), Arrays.copyOf(i, n), Arrays.copyOf(v, n),
            t == null ? null : Arrays.copyOf(t, n)));
        n = 0;
      }
      return chunks;
    }
  }
}
