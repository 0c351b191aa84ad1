package dev.kindred.spark.sgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Hand-checked sparse deltas: k = 2, four rows, biases. */
class RowDeltaTest {

  static FactorBlock block(float[] f, float[] b) {
    return new FactorBlock(0, 1, 4, 2, f, b);
  }

  @Test
  void diffKeepsOnlyChangedRowsAndAddsBackExactly() {
    FactorBlock base = block(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new float[] {0, 0, 0, 0});
    FactorBlock local = block(new float[] {1, 2, 3.5f, 4, 5, 6, 7, 8}, new float[] {0, 0, 0, 0.25f});
    RowDelta d = RowDelta.diff(local, base);
    assertThat(d.rows).containsExactly(1, 3); // row 1 changed a factor, row 3 its bias only
    assertThat(d.values).containsExactly(0.5f, 0, 0, 0);
    assertThat(d.bias).containsExactly(0, 0.25f);
    FactorBlock target = base.copy();
    d.addTo(target);
    assertThat(target.factors).containsExactly(local.factors);
    assertThat(target.bias).containsExactly(local.bias);
  }

  @Test
  void plusMergesRowListsAndSumsSharedRows() {
    RowDelta a = new RowDelta(2, new int[] {0, 2}, new float[] {1, 1, 2, 2}, null);
    RowDelta b = new RowDelta(2, new int[] {2, 3}, new float[] {10, 10, 3, 3}, null);
    RowDelta s = a.plus(b);
    assertThat(s.rows).containsExactly(0, 2, 3);
    assertThat(s.values).containsExactly(1, 1, 12, 12, 3, 3);
    assertThat(b.plus(a).values).containsExactly(s.values); // float addition of two terms commutes
    assertThat(s.payloadBytes()).isEqualTo(4L * 3 + 4L * 6);
  }

  @Test
  void refusesUnsortedRows() {
    assertThatThrownBy(() -> new RowDelta(1, new int[] {2, 1}, new float[] {0, 0}, null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("rows not increasing at 1: 2, 1");
  }
}
