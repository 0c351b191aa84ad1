package dev.kindred.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.Interactions;
import org.junit.jupiter.api.Test;

/** Held-out items (users) take all their interactions to test and none stay in train. */
class ColdStartSplitTest {

  private static final Interactions DATA = new SyntheticGenerator(SyntheticConfig.of(200, 150, 6000, 3)
      .withImplicit(true)).generateInMemory();

  @Test
  void coldItemsHoldOutWholeItems() {
    ColdStartSplit c = ColdStartSplit.items(DATA, 0.2, 7);
    Interactions train = c.split().train();
    Interactions test = c.split().test();
    assertThat(c.heldOut()).hasSize((int) Math.round(0.2 * DATA.activeItems())).isSorted();
    for (int i : c.heldOut()) {
      assertThat(train.itemDegree(i)).isZero();
      assertThat(test.itemDegree(i)).isEqualTo(DATA.itemDegree(i));
    }
    assertThat(train.size() + test.size()).isEqualTo(DATA.size());
    assertThat(test.activeItems()).isEqualTo(c.heldOut().length);
    assertThat(ColdStartSplit.items(DATA, 0.2, 7).heldOut()).containsExactly(c.heldOut());
    assertThat(ColdStartSplit.items(DATA, 0.2, 8).heldOut()).isNotEqualTo(c.heldOut());
  }

  @Test
  void coldUsersHoldOutWholeUsers() {
    ColdStartSplit c = ColdStartSplit.users(DATA, 0.25, 7);
    for (int u : c.heldOut()) {
      assertThat(c.split().train().userDegree(u)).isZero();
      assertThat(c.split().test().userDegree(u)).isEqualTo(DATA.userDegree(u));
    }
    assertThat(c.split().test().activeUsers()).isEqualTo(c.heldOut().length);
  }

  @Test
  void fractionMustLeaveBothSides() {
    assertThatThrownBy(() -> ColdStartSplit.items(DATA, 1.0, 1)).hasMessage("test fraction must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> ColdStartSplit.items(DATA, 0.0001, 1))
        .hasMessageContaining("leaves an empty train or test side");
  }
}
