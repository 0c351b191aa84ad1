package dev.kindred.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.math.WorkerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parallel assembler against its readable reference, {@link Interactions#fromCoo}. */
class CsrAssemblerTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void agreesWithFromCooIncludingDuplicatesAndTimestampTies(int threads) {
    SplittableRandom r = new SplittableRandom(threads);
    for (int trial = 0; trial < 40; trial++) {
      int nu = 1 + r.nextInt(30);
      int ni = 1 + r.nextInt(25);
      int n = r.nextInt(400);
      boolean hasTs = r.nextBoolean();
      int[] u = new int[n];
      int[] i = new int[n];
      float[] v = new float[n];
      long[] ts = hasTs ? new long[n] : null;
      for (int k = 0; k < n; k++) {
        u[k] = r.nextInt(nu);
        i[k] = r.nextInt(ni);
        v[k] = r.nextInt(7) * 0.5f; // equal values exercise MAX's tie rule
        if (ts != null) {
          ts[k] = r.nextInt(5); // many equal timestamps
        }
      }
      IdIndex users = IdIndex.identity(nu);
      IdIndex items = IdIndex.identity(ni);
      for (DuplicatePolicy policy : DuplicatePolicy.values()) {
        // The same rows in chunks with shuffled local numbering, as the parser would leave them
        // (made afresh for each policy: the assembler consumes its chunks).
        List<CsrAssembler.Chunk> chunks = new ArrayList<>();
        int start = 0;
        while (start < n || chunks.isEmpty()) {
          int end = Math.min(n, start + 1 + r.nextInt(120));
          chunks.add(chunk(u, i, v, ts, start, end, nu, ni, r));
          start = end;
        }
        Interactions expected = Interactions.fromCoo(users, items, nu, ni, u, i, v, ts, n, policy);
        Interactions actual;
        try (WorkerPool w = WorkerPool.create(threads, "kindred-data")) {
          actual = CsrAssembler.assemble(users, items, nu, ni, chunks, hasTs, policy, w);
        }
        assertThat(TestFiles.identical(actual, expected)).as("trial %d %s", trial, policy).isTrue();
      }
    }
  }

  @Test
  void refusesMoreRowsThanOneInteractionsCanHoldBeforeHoldingThem() {
    InteractionAssembly small = new InteractionAssembly(0, 100);
    small.add(batch(60));
    assertThatThrownBy(() -> small.add(batch(60))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("120 rows exceed the 100 that one Interactions can hold (its arrays are int-indexed);"
            + " split the input, e.g. by user");
    // A reader that knows the row count up front (Parquet metadata) is refused before decoding.
    InteractionAssembly real = new InteractionAssembly();
    assertThatThrownBy(() -> real.reserve(3_000_000_000L)).hasMessageStartingWith(
        "3000000000 rows exceed the " + (Integer.MAX_VALUE - 16) + " that one Interactions can hold");
    real.reserve(Integer.MAX_VALUE - 16);
  }

  private static RowBatch batch(int rows) {
    RowBatch b = new RowBatch(rows, false);
    for (int k = 0; k < rows; k++) {
      b.add(b.userOf(k), b.itemOf(k % 7), 1f, 0);
    }
    return b;
  }

  private static CsrAssembler.Chunk chunk(int[] u, int[] i, float[] v, long[] ts, int from, int to, int nu, int ni,
      SplittableRandom r) {
    int[] userOf = permutation(nu, r); // local -> global
    int[] itemOf = permutation(ni, r);
    int[] localUser = inverse(userOf);
    int[] localItem = inverse(itemOf);
    int m = to - from;
    int[] cu = new int[m + 3]; // spare capacity, as a growing buffer has
    int[] ci = new int[m + 3];
    float[] cv = new float[m + 3];
    long[] ct = ts == null ? null : new long[m + 3];
    for (int k = 0; k < m; k++) {
      cu[k] = localUser[u[from + k]];
      ci[k] = localItem[i[from + k]];
      cv[k] = v[from + k];
      if (ct != null) {
        ct[k] = ts[from + k];
      }
    }
    return new CsrAssembler.Chunk(cu, ci, cv, ct, m, userOf, itemOf);
  }

  private static int[] permutation(int n, SplittableRandom r) {
    int[] p = new int[n];
    for (int k = 0; k < n; k++) {
      p[k] = k;
    }
    for (int k = n - 1; k > 0; k--) {
      int j = r.nextInt(k + 1);
      int x = p[k];
      p[k] = p[j];
      p[j] = x;
    }
    return p;
  }

  private static int[] inverse(int[] p) {
    int[] q = new int[p.length];
    for (int k = 0; k < p.length; k++) {
      q[p[k]] = k;
    }
    return q;
  }
}
