package dev.kindred.train.mf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFitException;
import dev.kindred.core.ProgressListener;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.train.DataShape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MfSgdTrainerTest {

  static final double NOISE = 0.5;
  static Interactions train;
  static Interactions test;

  /** Planted rank-10 ratings with N(0, 0.5^2) noise, 1000 x 600, 200k pairs; 20% held out at random. */
  @BeforeAll
  static void data() {
    SyntheticConfig c = SyntheticConfig.of(1000, 600, 200_000, 11).withNoise(NOISE);
    Interactions all = new SyntheticGenerator(c).generateInMemory();
    boolean[] inTest = new boolean[all.size()];
    SplittableRandom r = new SplittableRandom(5);
    for (int j = 0; j < inTest.length; j++) inTest[j] = r.nextDouble() < 0.2;
    boolean[] inTrain = new boolean[inTest.length];
    for (int j = 0; j < inTest.length; j++) inTrain[j] = !inTest[j];
    train = all.select(inTrain);
    test = all.select(inTest);
  }

  static double rmse(LatentFactorModel m, Interactions data) {
    double sse = 0;
    int[] ptr = data.userPtr();
    for (int u = 0; u < data.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        double e = data.values()[j] - m.score(u, data.itemIdx()[j]);
        sse += e * e;
      }
    }
    return Math.sqrt(sse / data.size());
  }

  static MfSgdConfig small() {
    return MfSgdConfig.DEFAULTS.withFactors(16).withEpochs(60).withRegularization(0.03f).withThreads(2);
  }

  @Test
  void heldOutRmseIsWithinTenPercentOfPlantedNoise() {
    LatentFactorModel m = new MfSgdTrainer(small()).fit(train);
    // The best possible held-out RMSE is about the noise level (a little less, since ratings are
    // clipped to [1, 5]); a fit that learned the planted structure lands within 10% of it.
    assertThat(rmse(m, test)).isLessThan(NOISE * 1.10);
    // ...and it is far better than the global mean alone.
    double sse = 0;
    double mu = train.meanValue();
    for (float v : test.values()) sse += (v - mu) * (v - mu);
    assertThat(rmse(m, test)).isLessThan(0.7 * Math.sqrt(sse / test.size()));
  }

  @Test
  void adaptiveStepsAlsoLearnThePlantedStructure() {
    LatentFactorModel m = new MfSgdTrainer(small().withAdaptive(true).withLearningRate(0.05f).withLearningRateDecay(1f))
        .fit(train);
    assertThat(rmse(m, test)).isLessThan(NOISE * 1.15);
  }

  @Test
  void sameSeedAndThreadsGiveTheSameModelBitForBit() {
    MfSgdConfig c = small().withEpochs(5);
    LatentFactorModel a = new MfSgdTrainer(c).fit(train);
    LatentFactorModel b = new MfSgdTrainer(c).fit(train);
    assertThat(a.userFactors()).isEqualTo(b.userFactors());
    assertThat(a.itemFactors()).isEqualTo(b.itemFactors());
    assertThat(a.userBiases()).containsExactly(b.userBiases());
    LatentFactorModel other = new MfSgdTrainer(c.withSeed(43)).fit(train);
    assertThat(other.userFactors()).isNotEqualTo(a.userFactors());
  }

  @Test
  void reportsEveryEpochWithDecreasingTrainingLoss() {
    List<ProgressListener.EpochReport> reports = new ArrayList<>();
    new MfSgdTrainer(small().withEpochs(8)).fit(train, test, reports::add);
    assertThat(reports).hasSize(8);
    assertThat(reports.get(7).epoch()).isEqualTo(8);
    assertThat(reports.get(7).trainLoss()).isLessThan(reports.get(0).trainLoss());
    assertThat(reports).allSatisfy(r -> assertThat(r.validationScore()).isBetween(0.0, 2.0));
  }

  @Test
  void earlyStoppingKeepsTheBestEpoch() {
    List<ProgressListener.EpochReport> reports = new ArrayList<>();
    // A large step with no decay overfits quickly, so validation RMSE turns up and training stops.
    MfSgdConfig c = small().withFactors(64).withEpochs(60).withRegularization(0.0f).withLearningRate(0.03f)
        .withLearningRateDecay(1f).withEarlyStoppingPatience(3);
    LatentFactorModel m = new MfSgdTrainer(c).fit(train, test, reports::add);
    double best = reports.stream().mapToDouble(ProgressListener.EpochReport::validationScore).min().orElseThrow();
    assertThat(reports.size()).isLessThan(60);
    // The returned model is the best epoch's (clipping in score() can only lower its RMSE).
    assertThat(rmse(m, test)).isLessThanOrEqualTo(best + 1e-6);
  }

  @Test
  void divergenceIsReportedNotReturned() {
    MfSgdConfig c = small().withEpochs(5).withLearningRate(50f).withLearningRateDecay(1f);
    assertThatThrownBy(() -> new MfSgdTrainer(c).fit(train))
        .isInstanceOf(ModelFitException.class)
        .hasMessageContaining("learningRate");
  }

  @Test
  void autoRegularizationFallsWithRatingsPerItemAndIsRecordedInTheModel() {
    // MovieLens 100K u1.base: 80,000 ratings of 1650 items, 48.48 per item: 0.21 / 48.48^(1/4) =
    // 0.0796; a generated set with 266.6 per item: 0.0520.
    assertThat(MfSgdConfig.AUTO_REGULARIZATION_SCALE).isEqualTo(0.21);
    assertThat(MfSgdConfig.autoRegularization(new DataShape(943, 1650, 80_000, 3.5))).isCloseTo(0.0796f,
        within(1e-4f));
    assertThat(MfSgdConfig.autoRegularization(new DataShape(150_000, 30_000, 7_998_544, 3.5))).isCloseTo(0.0520f,
        within(1e-4f));
    assertThat(MfSgdConfig.DEFAULTS.regularization()).isNaN();
    assertThat(small().resolve(DataShape.of(train))).isEqualTo(small());

    LatentFactorModel m = new MfSgdTrainer(small().withEpochs(2).withRegularization(Float.NaN)).fit(train);
    float want = (float) (0.21 / Math.pow((double) train.size() / train.activeItems(), 0.25));
    assertThat(Float.parseFloat(m.provenance().config().get("regularization"))).isEqualTo(want);
  }

  @Test
  void configRejectsBadValuesWithTheFieldName() {
    assertThatThrownBy(() -> MfSgdConfig.DEFAULTS.withFactors(0)).hasMessageContaining("factors");
    assertThatThrownBy(() -> MfSgdConfig.DEFAULTS.withLearningRateDecay(1.5f)).hasMessageContaining("learningRateDecay");
    assertThatThrownBy(() -> new MfSgdTrainer(MfSgdConfig.DEFAULTS.withEarlyStoppingPatience(2)).fit(train))
        .hasMessageContaining("validation");
  }

  @Test
  void usersAndItemsWithoutTrainingDataScoreByBiasesAlone() {
    // Drop every rating of user 0 and item 0: both stay in the model with no training data.
    boolean[] keep = new boolean[train.size()];
    int[] ptr = train.userPtr();
    for (int u = 0; u < train.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) keep[j] = u != 0 && train.itemIdx()[j] != 0;
    }
    Interactions cold = train.select(keep);
    assertThat(cold.userDegree(0)).isZero();
    assertThat(cold.itemDegree(0)).isZero();
    LatentFactorModel m = new MfSgdTrainer(small().withEpochs(3)).fit(cold);
    assertThat(m.hasBiases()).isTrue();
    assertThat(m.userFactors().row(0)).containsOnly(0f);
    assertThat(m.itemFactors().row(0)).containsOnly(0f);
    assertThat(m.userBias(0)).isZero();
    assertThat(m.itemBias(0)).isZero();
    Set<Float> coldUserScores = new HashSet<>();
    for (int x = 1; x < 100; x++) {
      // Zero vectors contribute nothing: mu + b_i for the cold user, mu + b_u for the cold item.
      assertThat(m.score(0, x)).as("cold user, item %d", x)
          .isCloseTo(clip(m, m.globalMean() + m.itemBias(x)), within(1e-6f));
      assertThat(m.score(x, 0)).as("user %d, cold item", x)
          .isCloseTo(clip(m, m.globalMean() + m.userBias(x)), within(1e-6f));
      coldUserScores.add(m.score(0, x));
    }
    // ...and those biases were learned: the cold user's scores tell items apart.
    assertThat(coldUserScores).hasSizeGreaterThan(50);
  }

  static float clip(LatentFactorModel m, float s) {
    return Math.min(m.scoreMax(), Math.max(m.scoreMin(), s));
  }
}
