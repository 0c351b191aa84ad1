package dev.kindred.train.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFitException;
import dev.kindred.core.ProgressListener;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AlsTrainerTest {

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

  static AlsConfig small() {
    return AlsConfig.DEFAULTS.withFactors(12).withIterations(10).withRegularization(0.05f).withThreads(2);
  }

  @Test
  void heldOutRmseIsWithinTenPercentOfPlantedNoise() {
    LatentFactorModel m = new AlsTrainer(small()).fit(train);
    // The best possible held-out RMSE is about the noise level (a little less where ratings are
    // clipped to [1, 5]); the planted biases are learned by the factors (this model has none).
    // Measured: 0.535.
    assertThat(rmse(m, test)).isLessThan(NOISE * 1.10);
    assertThat(m.hasBiases()).isFalse();
    assertThat(m.globalMean()).isZero(); // raw ratings, as in the paper (see AlsTrainer)
    assertThat(m.foldInRule()).isEqualTo(new FoldInRule.Ridge(small().regularization(), false, 0f, true));
  }

  @Test
  void conjugateGradientGivesNearlyTheCholeskyModel() {
    // small() takes the default solver (CG): the exact model names Cholesky explicitly.
    LatentFactorModel exact = new AlsTrainer(small().withSolver(AlsSolver.CHOLESKY)).fit(train);
    LatentFactorModel cg = new AlsTrainer(small().withSolver(AlsSolver.CG).withCgSteps(3)).fit(train);
    assertThat(exact.provenance().config()).containsEntry("solver", "CHOLESKY");
    assertThat(cg.provenance().config()).containsEntry("solver", "CG");
    // The exact path's own quality, as heldOutRmseIsWithinTenPercentOfPlantedNoise for CG.
    // Measured: Cholesky 0.53795, warm-started CG (3 steps per row and half-step) 0.53790,
    // mean |score difference| 0.0028.
    double exactRmse = rmse(exact, test);
    assertThat(exactRmse).isLessThan(NOISE * 1.10);
    assertThat(rmse(cg, test)).isCloseTo(exactRmse, org.assertj.core.api.Assertions.within(0.005));
    // The two solvers reach nearly the same predictions, not only the same error.
    assertThat(meanAbsoluteScoreDifference(cg, exact, test)).isLessThan(0.02);
  }

  /** Mean over the pairs of {@code data} of |a.score - b.score|. */
  static double meanAbsoluteScoreDifference(LatentFactorModel a, LatentFactorModel b, Interactions data) {
    double sum = 0;
    int[] ptr = data.userPtr();
    for (int u = 0; u < data.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        sum += Math.abs(a.score(u, data.itemIdx()[j]) - b.score(u, data.itemIdx()[j]));
      }
    }
    return sum / data.size();
  }

  @Test
  void sameSeedAndThreadsGiveTheSameModelBitForBit() {
    AlsConfig c = small().withIterations(3);
    LatentFactorModel a = new AlsTrainer(c).fit(train);
    LatentFactorModel b = new AlsTrainer(c).fit(train);
    assertThat(a.userFactors()).isEqualTo(b.userFactors());
    assertThat(a.itemFactors()).isEqualTo(b.itemFactors());
    assertThat(new AlsTrainer(c.withSeed(43)).fit(train).itemFactors()).isNotEqualTo(a.itemFactors());
  }

  @Test
  void theThreadCountDoesNotChangeTheModel() {
    // No Gram matrix in the explicit objective: every row's solve is independent of scheduling.
    AlsConfig c = small().withIterations(2);
    assertThat(new AlsTrainer(c.withThreads(1)).fit(train).userFactors())
        .isEqualTo(new AlsTrainer(c.withThreads(3)).fit(train).userFactors());
  }

  @Test
  void reportsEveryIterationWithFallingTrainingRmseAndValidationRmse() {
    List<ProgressListener.EpochReport> reports = new ArrayList<>();
    LatentFactorModel m = new AlsTrainer(small().withIterations(6)).fit(train, test, reports::add);
    assertThat(reports).hasSize(6);
    assertThat(reports.get(5).epoch()).isEqualTo(6);
    assertThat(reports.get(5).epochs()).isEqualTo(6);
    assertThat(reports.get(5).trainLoss()).isLessThan(reports.get(0).trainLoss());
    // The last report's validation score is the returned model's held-out RMSE.
    assertThat(reports.get(5).validationScore()).isCloseTo(rmse(m, test), org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void aSingularSystemIsReportedAsAFailedFit() {
    // Exact solver, no regularisation, all-zero initial item factors: the first user system is zero.
    AlsConfig c = small().withRegularization(0f).withInitStd(0f).withIterations(1).withSolver(AlsSolver.CHOLESKY);
    assertThatThrownBy(() -> new AlsTrainer(c).fit(train))
        .isInstanceOf(ModelFitException.class)
        .hasMessageContaining("singular")
        .hasMessageContaining("regularization");
  }

  @Test
  void configRejectsBadValuesWithTheFieldName() {
    assertThatThrownBy(() -> AlsConfig.DEFAULTS.withFactors(0)).hasMessageContaining("factors");
    assertThatThrownBy(() -> AlsConfig.DEFAULTS.withIterations(-1)).hasMessageContaining("iterations");
    assertThatThrownBy(() -> AlsConfig.DEFAULTS.withRegularization(-0.1f)).hasMessageContaining("regularization");
    assertThatThrownBy(() -> AlsConfig.DEFAULTS.withRegularization(Float.NaN)).hasMessageContaining("regularization");
    assertThatThrownBy(() -> AlsConfig.DEFAULTS.withCgSteps(0)).hasMessageContaining("cgSteps");
    assertThatThrownBy(() -> AlsConfig.DEFAULTS.withThreads(0)).hasMessageContaining("threads");
    assertThatThrownBy(() -> AlsConfig.DEFAULTS.withInitStd(-1f)).hasMessageContaining("initStd");
    assertThatThrownBy(() -> AlsConfig.DEFAULTS.withSolver(null)).hasMessageContaining("solver");
    assertThatThrownBy(() -> new AlsTrainer(small()).fit(train.select(new boolean[train.size()])))
        .hasMessageContaining("no interactions");
  }

  @Test
  void rowsWithoutTrainingDataKeepZeroVectors() {
    // Drop every rating of user 0 and item 0 from the training set.
    boolean[] keep = new boolean[train.size()];
    int[] ptr = train.userPtr();
    for (int u = 0; u < train.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) keep[j] = u != 0 && train.itemIdx()[j] != 0;
    }
    LatentFactorModel m = new AlsTrainer(small().withIterations(2)).fit(train.select(keep));
    assertThat(m.userFactors().row(0)).containsOnly(0f);
    assertThat(m.itemFactors().row(0)).containsOnly(0f);
    // No data, no vector: the score is 0, clipped to the bottom of the training rating range.
    assertThat(m.score(0, 0)).isEqualTo(m.scoreMin());
  }
}
