package dev.kindred.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.Interactions;
import org.junit.jupiter.api.Test;

class NormalizationTest {

  // users a: 1, 3 (mean 2); b: 5 (mean 5). Global mean 3, min 1, max 5, population sd sqrt(8/3).
  private final Interactions data = FiltersTest.data("a x 1", "a y 3", "b x 5");

  @Test
  void globalCentering() {
    Normalization.Normalized n = Normalization.centerGlobal(data);
    assertThat(n.data().values()).containsExactly(-2f, 0f, 2f);
    assertThat(n.transform().offset()).isEqualTo(3);
    assertThat(n.transform().invert(1, 2)).isEqualTo(5);
    assertThat(n.data().userIndex()).isSameAs(data.userIndex());
  }

  @Test
  void perUserCentering() {
    Normalization.Normalized n = Normalization.centerPerUser(data);
    assertThat(n.data().values()).containsExactly(-1f, 1f, 0f);
    assertThat(n.transform().userOffset(0)).isEqualTo(2);
    assertThat(n.transform().userOffset(1)).isEqualTo(5);
    assertThat(n.transform().userOffset(7)).as("unknown user: global mean").isEqualTo(3);
    assertThat(n.transform().invert(0, -1)).isEqualTo(1);
  }

  @Test
  void minMaxScaling() {
    Normalization.Normalized n = Normalization.scaleMinMax(data);
    assertThat(n.data().values()).containsExactly(0f, 0.5f, 1f);
    assertThat(n.transform().offset()).isEqualTo(1);
    assertThat(n.transform().scale()).isEqualTo(4);
    assertThat(n.transform().invert(0, 0.75)).isEqualTo(4);
  }

  @Test
  void zScore() {
    Normalization.Normalized n = Normalization.scaleZScore(data);
    double sd = Math.sqrt(8.0 / 3);
    assertThat(n.transform().scale()).isCloseTo(sd, within(1e-12));
    assertThat(n.data().values()[0]).isCloseTo((float) (-2 / sd), within(1e-6f));
    for (int j = 0; j < 3; j++) {
      assertThat(n.transform().invert(0, n.data().values()[j])).isCloseTo(data.values()[j], within(1e-5));
    }
  }

  @Test
  void fittedOnTrainAppliedToTestAndConstantData() {
    Normalization fit = Normalization.fit(Normalization.Kind.USER_MEAN, data);
    Interactions test = FiltersTest.data("a z 4");
    assertThat(fit.apply(test).values()).as("a's train mean 2, although test user 0 is also a")
        .containsExactly(2f);
    Interactions constant = FiltersTest.data("a x 3", "b y 3");
    assertThat(Normalization.scaleZScore(constant).data().values()).containsExactly(0f, 0f);
    assertThat(Normalization.scaleMinMax(constant).transform().scale()).isEqualTo(1);
  }
}
