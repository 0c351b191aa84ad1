package dev.kindred.data;

import static dev.kindred.data.TestFiles.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import java.util.List;
import org.junit.jupiter.api.Test;

class FiltersTest {

  /** Builds data from "user item value" triples over string ids, users and items indexed by first appearance. */
  static Interactions data(String... triples) {
    IdIndex.Builder ub = new IdIndex.Builder();
    IdIndex.Builder ib = new IdIndex.Builder();
    int n = triples.length;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    for (int k = 0; k < n; k++) {
      String[] f = triples[k].split(" ");
      u[k] = ub.add(f[0]);
      i[k] = ib.add(f[1]);
      v[k] = Float.parseFloat(f[2]);
    }
    IdIndex users = ub.build();
    IdIndex items = ib.build();
    return Interactions.fromCoo(users, items, users.size(), items.size(), u, i, v, null, n, DuplicatePolicy.LAST);
  }

  /**
   * Hand case for the 2-core: user d has one pair and goes; that leaves item z with one pair (a),
   * so z goes; then a has one pair left and goes, which leaves item x with b and c only.
   * Survivors: b and c with x and y.
   */
  @Test
  void kCoreIteratesUntilStable() {
    Interactions d = data("a x 1", "a z 2", "b x 3", "b y 4", "c x 5", "c y 6", "d z 7", "e w 8");
    Interactions core = Filters.kCore(d, 2, 2);
    assertThat(rows(core)).containsExactly("b x 3.0", "b y 4.0", "c x 5.0", "c y 6.0");
    assertThat(core.numUsers()).isEqualTo(2);
    assertThat(core.numItems()).isEqualTo(2);
    assertThat(core.userIndex().stringIds()).containsExactly("b", "c");
    assertThat(core.itemIndex().stringIds()).containsExactly("x", "y");
  }

  @Test
  void kCoreWithUserThresholdOnlyAndNumericIds() {
    Interactions d = data("10 1 1", "10 2 1", "10 3 1", "20 1 1", "30 2 1", "30 3 1", "30 4 1");
    Interactions core = Filters.kCore(d, 3, 0);
    assertThat(core.userIndex().isNumeric()).isTrue();
    assertThat(core.userIndex().longIds()).containsExactly(10, 30);
    assertThat(core.itemIndex().longIds()).containsExactly(1, 2, 3, 4);
    assertThat(core.size()).isEqualTo(6);
    assertThat(Filters.kCore(d, 1, 1)).as("nothing to drop").isSameAs(d);
    assertThat(Filters.kCore(d, 10, 10).size()).isZero();
    assertThatThrownBy(() -> Filters.kCore(d, -1, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void kCoreResultSatisfiesTheThresholdsOnGeneratedData() {
    Interactions d = new SyntheticGenerator(SyntheticConfig.of(300, 200, 9000, 5)).generateInMemory();
    Interactions core = Filters.kCore(d, 20, 20);
    assertThat(core.size()).isPositive().isLessThan(d.size());
    for (int u = 0; u < core.numUsers(); u++) {
      assertThat(core.userDegree(u)).isGreaterThanOrEqualTo(20);
    }
    for (int i = 0; i < core.numItems(); i++) {
      assertThat(core.itemDegree(i)).isGreaterThanOrEqualTo(20);
    }
    assertThat(d.userIndex().indexOf(core.userIndex().longId(0))).isNotNegative();
  }

  @Test
  void minValueKeepsIndicesAndCompactDropsEmptyIds() {
    Interactions d = data("a x 5", "a y 2", "b y 1", "c z 4");
    Interactions liked = Filters.minValue(d, 4);
    assertThat(liked.numUsers()).isEqualTo(3);
    assertThat(liked.userIndex()).isSameAs(d.userIndex());
    assertThat(rows(liked)).containsExactly("a x 5.0", "c z 4.0");
    Interactions compact = Filters.compact(liked);
    assertThat(compact.userIndex().stringIds()).isEqualTo(List.of("a", "c"));
    assertThat(compact.itemIndex().stringIds()).isEqualTo(List.of("x", "z"));
    assertThat(rows(compact)).isEqualTo(rows(liked));
  }
}
