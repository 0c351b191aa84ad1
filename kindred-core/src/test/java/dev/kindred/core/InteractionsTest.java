package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class InteractionsTest {

  static final IdIndex U3 = IdIndex.identity(3);
  static final IdIndex I4 = IdIndex.identity(4);

  /** Rows of (user, item, value, timestamp). */
  static Interactions coo(int users, int items, DuplicatePolicy policy, boolean withTs, long[][] rows) {
    int n = rows.length;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    long[] ts = withTs ? new long[n] : null;
    for (int r = 0; r < n; r++) {
      u[r] = (int) rows[r][0];
      i[r] = (int) rows[r][1];
      v[r] = rows[r][2];
      if (withTs) ts[r] = rows[r][3];
    }
    return Interactions.fromCoo(IdIndex.identity(users), IdIndex.identity(items), users, items, u, i, v, ts, n, policy);
  }

  /** The value and timestamp stored for (u, item); fails if absent. */
  static float value(Interactions x, int u, int item) {
    return x.values()[position(x, u, item)];
  }

  static long timestamp(Interactions x, int u, int item) {
    return x.timestamps()[position(x, u, item)];
  }

  static int position(Interactions x, int u, int item) {
    int p = Arrays.binarySearch(x.itemIdx(), x.userPtr()[u], x.userPtr()[u + 1], item);
    assertThat(p).as("pair (%d, %d) present", u, item).isGreaterThanOrEqualTo(0);
    return p;
  }

  /** Duplicate (0, 1) rows: values 1, 2, 3, 7 at times 10, 30, 20, 30; one other pair. */
  static final long[][] DUPS = {
      {0, 1, 1, 10}, {0, 1, 2, 30}, {2, 3, 5, 1}, {0, 1, 3, 20}, {0, 1, 7, 30}, {0, 0, 4, 99}};

  @Test
  void ontoMovesPairsToAnotherIndexByIdAndDropsUnknownOnes() {
    // Users 10, 20, 30 (numeric), items a, b, c; the target knows users 30, 10, 99 and items c, a.
    Interactions data = Interactions.fromCoo(IdIndex.ofLongs(new long[] {10, 20, 30}),
        IdIndex.ofStrings(List.of("a", "b", "c")), 3, 3, new int[] {0, 0, 1, 2, 2}, new int[] {0, 1, 0, 2, 0},
        new float[] {1, 2, 3, 4, 5}, new long[] {100, 200, 300, 400, 500}, 5, DuplicatePolicy.LAST);
    IdIndex toUsers = IdIndex.ofLongs(new long[] {30, 10, 99});
    IdIndex toItems = IdIndex.ofStrings(List.of("c", "a"));
    Interactions x = data.onto(toUsers, toItems);
    assertConsistent(x);
    assertThat(x.userIndex()).isSameAs(toUsers);
    assertThat(x.itemIndex()).isSameAs(toItems);
    assertThat(x.numUsers()).isEqualTo(3);
    assertThat(x.numItems()).isEqualTo(2);
    assertThat(x.size()).as("(10, b) has an unknown item, user 20 is unknown").isEqualTo(3);
    assertThat(value(x, 1, 1)).isEqualTo(1f); // (10, a)
    assertThat(timestamp(x, 1, 1)).isEqualTo(100L);
    assertThat(value(x, 0, 0)).isEqualTo(4f); // (30, c)
    assertThat(value(x, 0, 1)).isEqualTo(5f); // (30, a)
    assertThat(timestamp(x, 0, 1)).isEqualTo(500L);
    assertThat(x.userDegree(2)).as("user 99 has no data").isZero();
  }

  @Test
  void ontoMatchesNumericIdsAgainstStringIndicesByTheirText() {
    Interactions data = coo(3, 4, DuplicatePolicy.LAST, false, new long[][] {{0, 3, 1, 0}, {2, 1, 2, 0}});
    Interactions x = data.onto(IdIndex.ofStrings(List.of("2", "x")), IdIndex.ofStrings(List.of("1", "3")));
    assertThat(x.size()).isEqualTo(1);
    assertThat(value(x, 0, 0)).isEqualTo(2f);
    assertThat(x.hasTimestamps()).isFalse();
  }

  @Test
  void lastKeepsTheHighestTimestampAndFileOrderOnTies() {
    Interactions x = coo(3, 4, DuplicatePolicy.LAST, true, DUPS);
    assertThat(x.size()).isEqualTo(3);
    // ts 30 appears twice (values 2 then 7): the later row in the file wins.
    assertThat(value(x, 0, 1)).isEqualTo(7f);
    assertThat(timestamp(x, 0, 1)).isEqualTo(30);
    assertThat(value(x, 0, 0)).isEqualTo(4f);
    assertThat(value(x, 2, 3)).isEqualTo(5f);

    // The latest timestamp first in the file still wins over later rows with earlier times.
    Interactions early = coo(1, 2, DuplicatePolicy.LAST, true, new long[][] {{0, 1, 9, 50}, {0, 1, 1, 10}, {0, 1, 2, 20}});
    assertThat(value(early, 0, 1)).isEqualTo(9f);
    assertThat(timestamp(early, 0, 1)).isEqualTo(50);

    // Without timestamps the last row in the file wins.
    Interactions noTs = coo(3, 4, DuplicatePolicy.LAST, false, DUPS);
    assertThat(noTs.hasTimestamps()).isFalse();
    assertThat(value(noTs, 0, 1)).isEqualTo(7f);
    Interactions noTs2 = coo(1, 2, DuplicatePolicy.LAST, false, new long[][] {{0, 1, 9, 50}, {0, 1, 1, 10}});
    assertThat(value(noTs2, 0, 1)).isEqualTo(1f);
  }

  @Test
  void sumAddsValuesAndKeepsTheLatestTimestamp() {
    Interactions x = coo(3, 4, DuplicatePolicy.SUM, true, DUPS);
    assertThat(value(x, 0, 1)).isEqualTo(1 + 2 + 3 + 7);
    assertThat(timestamp(x, 0, 1)).isEqualTo(30);
    assertThat(value(x, 0, 0)).isEqualTo(4f);
  }

  @Test
  void maxKeepsTheLargestValueAndItsTimestamp() {
    Interactions x = coo(3, 4, DuplicatePolicy.MAX, true, DUPS);
    assertThat(value(x, 0, 1)).isEqualTo(7f);
    assertThat(timestamp(x, 0, 1)).isEqualTo(30);
    Interactions y = coo(1, 2, DuplicatePolicy.MAX, true, new long[][] {{0, 0, 2, 5}, {0, 0, 8, 3}, {0, 0, 4, 9}});
    assertThat(value(y, 0, 0)).isEqualTo(8f);
    assertThat(timestamp(y, 0, 0)).isEqualTo(3);
  }

  @Test
  void duplicatePolicyParsesCliSpellings() {
    assertThat(DuplicatePolicy.parse("last")).isEqualTo(DuplicatePolicy.LAST);
    assertThat(DuplicatePolicy.parse(" Sum ")).isEqualTo(DuplicatePolicy.SUM);
    assertThat(DuplicatePolicy.parse("MAX")).isEqualTo(DuplicatePolicy.MAX);
    assertThatThrownBy(() -> DuplicatePolicy.parse("median")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown duplicate policy 'median': expected last, sum or max");
  }

  /**
   * Random rows with many duplicates against a map-based oracle, for each policy. Values are small
   * integers so that sums are exact in float whatever the order.
   */
  @Test
  void fromCooMatchesAnOracleOnRandomRows() {
    for (int seed = 0; seed < 30; seed++) {
      SplittableRandom rng = new SplittableRandom(seed);
      int users = 1 + rng.nextInt(20);
      int items = 1 + rng.nextInt(15);
      int n = rng.nextInt(400);
      int[] u = new int[n];
      int[] i = new int[n];
      float[] v = new float[n];
      long[] ts = new long[n];
      for (int r = 0; r < n; r++) {
        u[r] = rng.nextInt(users);
        i[r] = rng.nextInt(items);
        v[r] = rng.nextInt(10);
        ts[r] = rng.nextInt(5);
      }
      int[] u0 = u.clone();
      float[] v0 = v.clone();
      Map<Long, List<Integer>> groups = new TreeMap<>();
      for (int r = 0; r < n; r++) {
        groups.computeIfAbsent((long) u[r] << 32 | i[r], k -> new ArrayList<>()).add(r);
      }
      for (DuplicatePolicy policy : DuplicatePolicy.values()) {
        for (boolean withTs : new boolean[] {true, false}) {
          String what = "seed " + seed + " " + policy + (withTs ? " with timestamps" : "");
          Interactions x = Interactions.fromCoo(IdIndex.identity(users), IdIndex.identity(items), users, items, u, i, v,
              withTs ? ts : null, n, policy);
          assertConsistent(x);
          assertThat(x.size()).as(what).isEqualTo(groups.size());
          for (Map.Entry<Long, List<Integer>> g : groups.entrySet()) {
            int uu = (int) (g.getKey() >>> 32);
            int ii = (int) (long) g.getKey();
            List<Integer> rows = g.getValue();
            int p = position(x, uu, ii);
            switch (policy) {
              case LAST -> {
                int best = rows.get(0);
                for (int r : rows) if (!withTs || ts[r] >= ts[best]) best = r;
                assertThat(x.values()[p]).as(what).isEqualTo(v[best]);
                if (withTs) assertThat(x.timestamps()[p]).as(what).isEqualTo(ts[best]);
              }
              case SUM -> {
                float sum = 0;
                long latest = Long.MIN_VALUE;
                for (int r : rows) {
                  sum += v[r];
                  latest = Math.max(latest, ts[r]);
                }
                assertThat(x.values()[p]).as(what).isEqualTo(sum);
                if (withTs) assertThat(x.timestamps()[p]).as(what).isEqualTo(latest);
              }
              case MAX -> {
                float max = Float.NEGATIVE_INFINITY;
                for (int r : rows) max = Math.max(max, v[r]);
                assertThat(x.values()[p]).as(what).isEqualTo(max);
                if (withTs) {
                  final float m = max;
                  assertThat(rows.stream().filter(r -> v[r] == m).map(r -> ts[r]))
                      .as("timestamp of a row with the max, " + what).contains(x.timestamps()[p]);
                }
              }
            }
          }
        }
      }
      assertThat(u).as("inputs not modified").containsExactly(u0);
      assertThat(v).containsExactly(v0);
    }
  }

  @Test
  void fromCooRejectsRowsOutsideTheDimensions() {
    assertThatThrownBy(() -> coo(3, 4, DuplicatePolicy.LAST, false, new long[][] {{0, 0, 1, 0}, {1, 1, 1, 0}, {2, 4, 1, 0}}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("row 2: (2, 4) outside 3 x 4");
    assertThatThrownBy(() -> coo(3, 4, DuplicatePolicy.LAST, false, new long[][] {{-1, 0, 1, 0}}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("row 0: (-1, 0) outside 3 x 4");
  }

  /** Checks the class invariants and that the CSC view holds exactly the CSR pairs. */
  static void assertConsistent(Interactions x) {
    int nnz = x.size();
    int[] up = x.userPtr();
    int[] ip = x.itemPtr();
    assertThat(up).hasSize(x.numUsers() + 1);
    assertThat(ip).hasSize(x.numItems() + 1);
    assertThat(up[0]).isZero();
    assertThat(ip[0]).isZero();
    assertThat(up[x.numUsers()]).isEqualTo(nnz);
    assertThat(ip[x.numItems()]).isEqualTo(nnz);
    for (int u = 0; u < x.numUsers(); u++) {
      assertThat(x.itemsOf(u)).isSorted().doesNotHaveDuplicates();
      assertThat(x.userDegree(u)).isEqualTo(up[u + 1] - up[u]);
    }
    boolean[] seen = new boolean[nnz];
    for (int item = 0; item < x.numItems(); item++) {
      int prevUser = -1;
      for (int p = ip[item]; p < ip[item + 1]; p++) {
        int user = x.userIdx()[p];
        assertThat(user).as("users increase within item %d", item).isGreaterThan(prevUser);
        prevUser = user;
        int c = x.cscToCsr()[p];
        assertThat(seen[c]).as("CSR position %d mapped twice", c).isFalse();
        seen[c] = true;
        assertThat(c).as("CSR position of (%d, %d) lies in the user's row", user, item)
            .isGreaterThanOrEqualTo(up[user]).isLessThan(up[user + 1]);
        assertThat(x.itemIdx()[c]).isEqualTo(item);
        assertThat(x.itemValues()[p]).isEqualTo(x.values()[c]);
        assertThat(x.contains(user, item)).isTrue();
      }
      assertThat(x.itemDegree(item)).isEqualTo(ip[item + 1] - ip[item]);
    }
    for (int c = 0; c < nnz; c++) {
      assertThat(seen[c]).as("CSR pair %d present in the CSC view", c).isTrue();
    }
  }

  @Test
  void cscViewMirrorsCsr() {
    for (int seed = 0; seed < 10; seed++) {
      assertConsistent(Fixtures.randomInteractions(seed, 1 + seed * 7, 3 + seed * 5, 0.2));
    }
    // Hand-checked: users 0: {1, 3}, 1: {}, 2: {0, 1}.
    Interactions x = new Interactions(U3, I4, 3, 4, new int[] {0, 2, 2, 4}, new int[] {1, 3, 0, 1},
        new float[] {10, 11, 12, 13}, null);
    assertConsistent(x);
    assertThat(x.itemPtr()).containsExactly(0, 1, 3, 3, 4);
    assertThat(x.userIdx()).containsExactly(2, 0, 2, 0);
    assertThat(x.itemValues()).containsExactly(12, 10, 13, 11);
    assertThat(x.cscToCsr()).containsExactly(2, 0, 3, 1);
    assertThat(x.contains(1, 1)).isFalse();
    assertThat(x.contains(0, 2)).isFalse();
    assertThat(x.activeUsers()).isEqualTo(2);
    assertThat(x.activeItems()).isEqualTo(3);
    assertThat(x.meanValue()).isCloseTo(11.5, within(1e-12));
    assertThat(x.toString()).isEqualTo("Interactions[3 users x 4 items, 4 pairs]");
  }

  @Test
  void selectKeepsDimensionsIndicesAndTheChosenPairs() {
    IdIndex users = IdIndex.ofStrings(List.of("a", "b", "c"));
    IdIndex items = IdIndex.ofLongs(new long[] {10, 20, 30, 40, 50});
    Interactions x = Interactions.fromCoo(users, items, 3, 5, new int[] {0, 0, 1, 2, 2, 2}, new int[] {4, 1, 2, 0, 3, 4},
        new float[] {1, 2, 3, 4, 5, 6}, new long[] {100, 200, 300, 400, 500, 600}, 6, DuplicatePolicy.LAST);
    // CSR order: (0,1)=2 (0,4)=1 (1,2)=3 (2,0)=4 (2,3)=5 (2,4)=6
    Interactions s = x.select(new boolean[] {true, false, false, true, false, true});
    assertThat(s.numUsers()).isEqualTo(3);
    assertThat(s.numItems()).isEqualTo(5);
    assertThat(s.userIndex()).isSameAs(users);
    assertThat(s.itemIndex()).isSameAs(items);
    assertThat(s.userPtr()).containsExactly(0, 1, 1, 3);
    assertThat(s.itemIdx()).containsExactly(1, 0, 4);
    assertThat(s.values()).containsExactly(2, 4, 6);
    assertThat(s.timestamps()).containsExactly(200, 400, 600);
    assertConsistent(s);

    Interactions rest = x.select(new boolean[] {false, true, true, false, true, false});
    assertThat(rest.size() + s.size()).isEqualTo(x.size());
    for (int u = 0; u < 3; u++) {
      for (int item : x.itemsOf(u)) {
        assertThat(s.contains(u, item) ^ rest.contains(u, item)).as("(%d, %d) in exactly one part", u, item).isTrue();
      }
    }
    assertThatThrownBy(() -> x.select(new boolean[5])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mask length 5 != 6");
  }

  @Test
  void withValuesReplacesValuesOnly() {
    Interactions x = Fixtures.randomInteractions(1, 10, 10, 0.3);
    float[] nv = new float[x.size()];
    Arrays.fill(nv, 1f);
    Interactions y = x.withValues(nv);
    assertThat(y.itemIdx()).isEqualTo(x.itemIdx());
    assertThat(y.itemValues()).containsOnly(1f);
    assertThatThrownBy(() -> x.withValues(new float[x.size() + 1])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected " + x.size() + " values, got " + (x.size() + 1));
  }

  @Test
  void brokenCsrIsRejected() {
    float[] v2 = {1, 1};
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {0, 2, 2, 2}, new int[] {3, 1}, v2, null))
        .as("items not increasing").isInstanceOf(IllegalArgumentException.class)
        .hasMessage("user 0: item indices must be increasing and < 4, got 1 after 3");
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {0, 2, 2, 2}, new int[] {1, 1}, v2, null))
        .as("duplicate pair").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 1 after 1");
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {0, 0, 2, 2}, new int[] {0, 4}, v2, null))
        .as("item out of range").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user 1:")
        .hasMessageContaining("got 4");
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {0, 2, 2}, new int[] {0, 1}, v2, null))
        .as("userPtr too short").isInstanceOf(IllegalArgumentException.class)
        .hasMessage("userPtr must have numUsers+1 entries from 0 to nnz");
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {1, 2, 2, 2}, new int[] {0, 1}, v2, null))
        .as("userPtr not from 0").isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {0, 1, 1, 1}, new int[] {0, 1}, v2, null))
        .as("userPtr not to nnz").isInstanceOf(IllegalArgumentException.class);
    // Regression: a pointer past nnz that later came back down ran off itemIdx (an
    // ArrayIndexOutOfBoundsException) before the decrease was seen.
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {0, 5, 1, 2}, new int[] {0, 1}, v2, null))
        .as("userPtr decreasing").isInstanceOf(IllegalArgumentException.class)
        .hasMessage("userPtr decreases at user 1");
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {0, 2, 1, 2}, new int[] {0, 1}, v2, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("userPtr decreases at user 1");
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {0, 2, 2, 2}, new int[] {0, 1}, new float[1], null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("values/timestamps must be parallel to itemIdx");
    assertThatThrownBy(() -> new Interactions(U3, I4, 3, 4, new int[] {0, 2, 2, 2}, new int[] {0, 1}, v2, new long[3]))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("values/timestamps must be parallel to itemIdx");
    assertThatThrownBy(() -> new Interactions(U3, I4, 4, 4, new int[] {0, 2, 2, 2, 2}, new int[] {0, 1}, v2, null))
        .as("id index smaller than numUsers").isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("users 3 < 4");
    assertThatThrownBy(() -> new Interactions(U3, I4, -1, 4, new int[] {0}, new int[0], new float[0], null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("negative dimensions -1 x 4");
  }

  @Test
  void fingerprintFollowsPairsAndValues() {
    long[][] rows = {{0, 1, 3, 0}, {2, 0, 4, 0}, {1, 3, 5, 0}, {0, 2, 1, 0}};
    long[][] shuffled = {rows[2], rows[0], rows[3], rows[1]};
    Interactions a = coo(3, 4, DuplicatePolicy.LAST, false, rows);
    Interactions b = coo(3, 4, DuplicatePolicy.LAST, false, shuffled);
    assertThat(a.fingerprint()).as("same data, other file order").isEqualTo(b.fingerprint());
    Interactions renamed = new Interactions(IdIndex.ofStrings(List.of("x", "y", "z")), IdIndex.identity(4), 3, 4,
        a.userPtr(), a.itemIdx(), a.values(), null);
    assertThat(renamed.fingerprint()).as("ids' spelling does not count").isEqualTo(a.fingerprint());

    float[] changed = a.values().clone();
    changed[2] += 0.5f;
    assertThat(a.withValues(changed).fingerprint()).as("one value changed").isNotEqualTo(a.fingerprint());
    long[][] moved = {{0, 1, 3, 0}, {2, 0, 4, 0}, {1, 2, 5, 0}, {0, 2, 1, 0}};
    assertThat(coo(3, 4, DuplicatePolicy.LAST, false, moved).fingerprint()).as("one pair moved").isNotEqualTo(a.fingerprint());
    assertThat(coo(3, 5, DuplicatePolicy.LAST, false, rows).fingerprint()).as("one more item").isNotEqualTo(a.fingerprint());
    assertThat(a.select(new boolean[] {true, true, true, false}).fingerprint()).as("one pair fewer")
        .isNotEqualTo(a.fingerprint());
  }

  @Test
  void cscBuiltByWorkersEqualsTheOneBuiltOnTheCaller() {
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < 20; trial++) {
      int nu = 1 + r.nextInt(40);
      int ni = 1 + r.nextInt(30);
      long[][] rows = new long[r.nextInt(300)][];
      for (int k = 0; k < rows.length; k++) {
        rows[k] = new long[] {r.nextInt(nu), r.nextInt(ni), r.nextInt(9), 0};
      }
      Interactions serial = coo(nu, ni, DuplicatePolicy.LAST, false, rows);
      for (int threads : new int[] {1, 2, 3, 5}) {
        try (dev.kindred.math.WorkerPool w = dev.kindred.math.WorkerPool.create(threads, "kindred-test")) {
          Interactions x = new Interactions(serial.userIndex(), serial.itemIndex(), nu, ni, serial.userPtr(),
              serial.itemIdx(), serial.values(), null, w);
          assertThat(x.itemPtr()).as("trial %d, %d threads", trial, threads).isEqualTo(serial.itemPtr());
          assertThat(x.userIdx()).isEqualTo(serial.userIdx());
          assertThat(x.itemValues()).isEqualTo(serial.itemValues());
          assertThat(x.cscToCsr()).isEqualTo(serial.cscToCsr());
        }
      }
    }
  }

  @Test
  void cscBuiltInSeveralItemTilesEqualsAPlainStableScatter() {
    // 2.2M pairs over 100k users (mean degree 22): large enough for two tiles.
    int nu = 100_000;
    int ni = 3_000;
    SplittableRandom r = new SplittableRandom(11);
    int[] ptr = new int[nu + 1];
    int[] items = new int[2_200_000];
    int n = 0;
    for (int u = 0; u < nu; u++) {
      int it = r.nextInt(20);
      for (int k = 0; k < 22 && it < ni; k++, it += 1 + r.nextInt(200)) {
        items[n++] = it;
      }
      ptr[u + 1] = n;
    }
    int[] itemIdx = Arrays.copyOf(items, n);
    float[] values = new float[n];
    for (int j = 0; j < n; j++) {
      values[j] = j % 13;
    }
    Interactions x;
    try (dev.kindred.math.WorkerPool w = dev.kindred.math.WorkerPool.create(2, "kindred-test")) {
      x = new Interactions(IdIndex.identity(nu), IdIndex.identity(ni), nu, ni, ptr, itemIdx, values, null, w);
    }
    // The readable reference: a counting sort by item, users in order.
    int[] itemPtr = new int[ni + 1];
    for (int j = 0; j < n; j++) {
      itemPtr[itemIdx[j] + 1]++;
    }
    for (int i = 0; i < ni; i++) {
      itemPtr[i + 1] += itemPtr[i];
    }
    int[] fill = Arrays.copyOf(itemPtr, ni);
    int[] userIdx = new int[n];
    int[] cscToCsr = new int[n];
    float[] itemValues = new float[n];
    for (int u = 0; u < nu; u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        int pos = fill[itemIdx[j]]++;
        userIdx[pos] = u;
        cscToCsr[pos] = j;
        itemValues[pos] = values[j];
      }
    }
    assertThat(n).as("pairs").isGreaterThan(2 << 20);
    assertThat(x.itemPtr()).isEqualTo(itemPtr);
    assertThat(x.userIdx()).isEqualTo(userIdx);
    assertThat(x.cscToCsr()).isEqualTo(cscToCsr);
    assertThat(x.itemValues()).isEqualTo(itemValues);
  }

  @Test
  void workersReportTheFirstBadRowAsTheCallerDoes() {
    int[] ptr = {0, 2, 4, 6, 8};
    int[] items = {0, 1, 0, 1, 1, 1, 0, 5};
    String expected = "user 2: item indices must be increasing and < 2, got 1 after 1";
    assertThatThrownBy(() -> new Interactions(IdIndex.identity(4), IdIndex.identity(2), 4, 2, ptr, items,
        new float[8], null)).hasMessage(expected);
    try (dev.kindred.math.WorkerPool w = dev.kindred.math.WorkerPool.create(3, "kindred-test")) {
      assertThatThrownBy(() -> new Interactions(IdIndex.identity(4), IdIndex.identity(2), 4, 2, ptr, items,
          new float[8], null, w)).hasMessage(expected);
    }
  }

  @Test
  void emptyInteractions() {
    Interactions x = coo(2, 3, DuplicatePolicy.SUM, true, new long[0][]);
    assertThat(x.size()).isZero();
    assertThat(x.meanValue()).isZero();
    assertThat(x.activeUsers()).isZero();
    assertConsistent(x);
  }
}
