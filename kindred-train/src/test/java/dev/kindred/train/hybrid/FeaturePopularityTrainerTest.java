package dev.kindred.train.hybrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.SideFeatures;
import dev.kindred.math.CsrMatrix;
import org.junit.jupiter.api.Test;

/** The cold-start baseline on a hand-checked case. */
class FeaturePopularityTrainerTest {

  /**
   * Users 0 and 1, items 0..3; item genres 0:A, 1:A, 2:B, 3:A+B (weights 1/2 each); user genders
   * 0:F, 1:M. User 0 holds items 0 and 2, user 1 holds item 1. Items 3 is cold.
   */
  @Test
  void scoresAreGenreShareAndSegmentPopularity() {
    Interactions train = Interactions.fromCoo(IdIndex.identity(2), IdIndex.identity(4), 2, 4, new int[] {0, 0, 1},
        new int[] {0, 2, 1}, new float[] {1, 1, 1}, null, 3, DuplicatePolicy.LAST);
    CsrMatrix items = new CsrMatrix(4, 2, new int[] {0, 1, 2, 3, 5}, new int[] {0, 0, 1, 0, 1},
        new float[] {1, 1, 1, 0.5f, 0.5f});
    CsrMatrix users = new CsrMatrix(2, 2, new int[] {0, 1, 2}, new int[] {0, 1}, new float[] {1, 1});
    LatentFactorModel m = new FeaturePopularityTrainer(FeaturePopularityTrainer.Config.DEFAULTS)
        .fit(train, null, new SideFeatures(users, items), ProgressListener.NONE);
    assertThat(m.dim()).isEqualTo(4);
    // User 0's genre profile (A 1/2, B 1/2); cold item 3 = (1/2, 1/2): 1/2 from genres. Its F segment
    // (user 0) holds items 0 and 2, so item 3 gets 0 there; item 0 gets 1 (all of F's weight).
    float tie = 1e-6f;
    assertThat(m.score(0, 3)).isCloseTo(0.5f, within(tie));
    assertThat(m.score(0, 0)).isCloseTo(0.5f + 1f, within(2 * tie));
    // User 1 (M, profile A 1): item 1 scores 1 (genre) + 1 (all of M's weight); item 2 (B) scores 0.
    assertThat(m.score(1, 1)).isCloseTo(2f, within(2 * tie));
    assertThat(m.score(1, 2)).isCloseTo(0f, within(2 * tie));
    // Popularity breaks ties, below 1e-6.
    assertThat(m.itemBias(0)).isPositive().isLessThanOrEqualTo(tie);
    assertThat(m.itemBias(3)).isZero();
  }
}
