package dev.kindred.data;

import static dev.kindred.data.TestFiles.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.Interactions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class SplitsTest {

  private static final Interactions DATA =
      new SyntheticGenerator(SyntheticConfig.of(200, 150, 4000, 17)).generateInMemory();

  /** Disjoint, union equals the input (pairs, values, timestamps), shared indices. */
  static void assertPartition(Split s, Interactions data) {
    assertThat(s.train().userIndex()).isSameAs(data.userIndex());
    assertThat(s.test().itemIndex()).isSameAs(data.itemIndex());
    assertThat(s.train().numUsers()).isEqualTo(data.numUsers());
    assertThat(s.train().size() + s.test().size()).isEqualTo(data.size());
    for (int u = 0; u < data.numUsers(); u++) {
      for (int i : s.test().itemsOf(u)) {
        assertThat(s.train().contains(u, i)).as("pair (%d, %d) in both", u, i).isFalse();
      }
    }
    List<String> union = new ArrayList<>(rows(s.train()));
    union.addAll(rows(s.test()));
    assertThat(union).containsExactlyInAnyOrderElementsOf(rows(data));
  }

  private static void assertSeeded(LongFunction<Split> split) {
    Split a = split.apply(1);
    Split b = split.apply(1);
    Split c = split.apply(2);
    assertThat(TestFiles.identical(a.test(), b.test())).as("same seed, same split").isTrue();
    assertThat(TestFiles.identical(a.test(), c.test())).as("different seed, different split").isFalse();
  }

  @Test
  void randomHoldout() {
    Split s = Splits.randomHoldout(DATA, 0.2, 1);
    assertPartition(s, DATA);
    assertThat(s.test().size()).isEqualTo(800);
    assertSeeded(seed -> Splits.randomHoldout(DATA, 0.2, seed));
  }

  @Test
  void perUserStratified() {
    Split s = Splits.perUser(DATA, 0.25, 3);
    assertPartition(s, DATA);
    for (int u = 0; u < DATA.numUsers(); u++) {
      int d = DATA.userDegree(u);
      int t = s.test().userDegree(u);
      if (d >= 2) {
        assertThat(t).isEqualTo((int) Math.min(d - 1, Math.max(1, Math.round(0.25 * d))));
      } else {
        assertThat(t).isZero();
      }
    }
    assertSeeded(seed -> Splits.perUser(DATA, 0.25, seed));
    Interactions tiny = FiltersTest.data("a x 1", "a y 1", "b x 1");
    Split small = Splits.perUser(tiny, 0.01, 0);
    assertThat(small.test().userDegree(0)).as("at least one in test").isEqualTo(1);
    assertThat(small.train().userDegree(1)).as("single pair stays in train").isEqualTo(1);
    assertThat(Splits.perUser(tiny, 0.99, 0).train().userDegree(0)).as("at least one in train").isEqualTo(1);
  }

  @Test
  void temporalCutoffAndFraction() {
    long[] ts = DATA.timestamps().clone();
    Arrays.sort(ts);
    long cutoff = ts[ts.length * 3 / 4];
    Split s = Splits.temporalCutoff(DATA, cutoff);
    assertPartition(s, DATA);
    for (long t : s.test().timestamps()) {
      assertThat(t).isGreaterThanOrEqualTo(cutoff);
    }
    for (long t : s.train().timestamps()) {
      assertThat(t).isLessThan(cutoff);
    }
    Split f = Splits.temporalFraction(DATA, 0.1);
    assertPartition(f, DATA);
    assertThat(f.test().size()).isEqualTo(400);
    long minTest = Long.MAX_VALUE;
    for (long t : f.test().timestamps()) {
      minTest = Math.min(minTest, t);
    }
    for (long t : f.train().timestamps()) {
      assertThat(t).isLessThanOrEqualTo(minTest);
    }
  }

  @Test
  void temporalFractionBreaksTimestampTiesByCsrOrder() {
    Interactions d = FiltersTest.data("a x 1", "a y 1", "a z 1", "b x 1");
    Interactions stamped = new Interactions(d.userIndex(), d.itemIndex(), d.numUsers(), d.numItems(), d.userPtr(),
        d.itemIdx(), d.values(), new long[] {5, 5, 5, 5});
    Split s = Splits.temporalFraction(stamped, 0.5);
    assertThat(rows(s.test())).containsExactly("a z 1.0 5", "b x 1.0 5");
  }

  @Test
  void leaveLastOut() {
    Split s = Splits.leaveLastOut(DATA, 2);
    assertPartition(s, DATA);
    for (int u = 0; u < DATA.numUsers(); u++) {
      int d = DATA.userDegree(u);
      assertThat(s.test().userDegree(u)).isEqualTo(d <= 2 ? 0 : 2);
      if (d > 2) {
        long minTest = Long.MAX_VALUE;
        for (int j = s.test().userPtr()[u]; j < s.test().userPtr()[u + 1]; j++) {
          minTest = Math.min(minTest, s.test().timestamps()[j]);
        }
        for (int j = s.train().userPtr()[u]; j < s.train().userPtr()[u + 1]; j++) {
          assertThat(s.train().timestamps()[j]).isLessThanOrEqualTo(minTest);
        }
      }
    }
    // ties: the later CSR position counts as later
    Interactions d = FiltersTest.data("a x 1", "a y 1", "a z 1");
    Interactions tied = new Interactions(d.userIndex(), d.itemIndex(), 1, 3, d.userPtr(), d.itemIdx(), d.values(),
        new long[] {9, 9, 3});
    assertThat(rows(Splits.leaveLastOut(tied, 1).test())).containsExactly("a y 1.0 9");
    assertThat(rows(Splits.leaveLastOut(tied, 2).test())).containsExactly("a x 1.0 9", "a y 1.0 9");
  }

  @Test
  void invalidArguments() {
    Interactions noTs = FiltersTest.data("a x 1");
    assertThatThrownBy(() -> Splits.leaveLastOut(noTs, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("leaveLastOut needs timestamps");
    assertThatThrownBy(() -> Splits.temporalFraction(noTs, 0.2)).hasMessageContaining("needs timestamps");
    assertThatThrownBy(() -> Splits.randomHoldout(DATA, 1.0, 1)).hasMessage("testFraction must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> Splits.perUser(DATA, 0, 1)).hasMessageContaining("testFraction");
    assertThatThrownBy(() -> Splits.leaveLastOut(DATA, 0)).hasMessage("k must be >= 1, got 0");
  }
}
