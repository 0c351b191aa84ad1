package dev.kindred.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.Interactions;
import org.junit.jupiter.api.Test;

/** Hu, Koren, Volinsky (2008) confidence on hand-computed values. */
class ConfidenceTest {

  @Test
  void formulasOnHandValues() {
    assertThat(Confidence.linear(0, 40)).isEqualTo(1);
    assertThat(Confidence.linear(3, 40)).isEqualTo(121);
    // 1 + 2 * ln(1 + 9 / 1) = 1 + 2 * ln 10 = 5.605170185988092
    assertThat(Confidence.log(9, 2, 1)).isCloseTo(5.605170185988092, within(1e-12));
    // 1 + 1 * ln(1 + 0.5 / 0.5) = 1 + ln 2
    assertThat(Confidence.log(0.5, 1, 0.5)).isCloseTo(1.6931471805599454, within(1e-12));
    assertThat(Confidence.log(0, 5, 1e-8)).isEqualTo(1);
  }

  @Test
  void appliedToInteractionsKeepsPairs() {
    Interactions d = FiltersTest.data("a x 0", "a y 3", "b y 9");
    Interactions lin = Confidence.linear(d, 40);
    assertThat(lin.values()).containsExactly(1f, 121f, 361f);
    assertThat(lin.itemIdx()).isEqualTo(d.itemIdx());
    assertThat(lin.userIndex()).isSameAs(d.userIndex());
    Interactions log = Confidence.log(d, 2, 1);
    assertThat(log.values()[2]).isCloseTo(5.6051702f, within(1e-6f));
    assertThat(log.values()[0]).isEqualTo(1f);
  }

  @Test
  void rejectsNegativeValuesAndBadParameters() {
    Interactions neg = FiltersTest.data("a x 1", "b y -2");
    assertThatThrownBy(() -> Confidence.linear(neg, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("confidence needs finite values >= 0, got -2.0 for user 'b', item 'y'");
    Interactions ok = FiltersTest.data("a x 1");
    assertThatThrownBy(() -> Confidence.linear(ok, Double.NaN)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> Confidence.log(ok, 1, 0)).hasMessageContaining("epsilon");
  }
}
