package dev.kindred.train.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.Interactions;
import dev.kindred.core.PopularityModel;
import dev.kindred.core.PopularityRecommender;
import dev.kindred.core.RecommendOptions;
import org.junit.jupiter.api.Test;

class PopularityTrainerTest {

  /** Item counts 3, 1, 2, 0, 2 ; value sums 3+1+5, 10, 2+2, 0, 1+1. */
  static Interactions data() {
    return Hand.of(5, new int[][] {{0, 2, 4}, {0, 1}, {0, 2, 4}},
        new float[][] {{3, 2, 1}, {1, 10}, {5, 2, 1}});
  }

  @Test
  void countsRankItemsByNumberOfUsers() {
    PopularityModel m = new PopularityTrainer(PopularityConfig.DEFAULTS).fit(data());
    assertThat(m.itemScores()).containsExactly(3, 1, 2, 0, 2);
    assertThat(new PopularityRecommender(m).recommend(1, 5, RecommendOptions.ALL).items())
        .containsExactly(0, 2, 4, 1, 3);
    assertThat(new PopularityRecommender(m).recommend(1, 5, RecommendOptions.excludeSeen(m.histories())).items())
        .containsExactly(2, 4, 3);
  }

  @Test
  void sumsRankItemsByTotalValue() {
    PopularityModel m = new PopularityTrainer(new PopularityConfig(true)).fit(data());
    assertThat(m.itemScores()).containsExactly(9, 10, 4, 0, 2);
    assertThat(new PopularityRecommender(m).recommend(0, 5, RecommendOptions.ALL).items())
        .containsExactly(1, 0, 2, 4, 3);
  }

  @Test
  void provenanceRecordsTheFit() {
    PopularityModel m = new PopularityTrainer(PopularityConfig.DEFAULTS).fit(data());
    assertThat(m.provenance().algorithm()).isEqualTo("pop");
    assertThat(m.provenance().config()).containsEntry("sumValues", "false");
    assertThat(m.provenance().dataFingerprint()).isEqualTo(data().fingerprint());
    assertThat(m.provenance().interactions()).isEqualTo(8);
  }
}
