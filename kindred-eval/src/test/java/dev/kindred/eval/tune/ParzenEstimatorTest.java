package dev.kindred.eval.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TPE ({@link ParzenEstimator} through {@link Tuner}): better than random search at a small budget, and resumable. */
class ParzenEstimatorTest {

  /** A space shaped like iALS's: two log ranges, a log-integer size and an integer epoch count. */
  private static final SearchSpace SPACE = new SearchSpace(List.of(Param.logUniform("--regularization", 0.01, 1000),
      Param.logUniform("--alpha", 0.1, 200), Param.logIntegers("--factors", 8, 256), Param.integers("--epochs", 5, 30)));

  /**
   * Regret-like objective with its maximum 0 at regularization 30, alpha 3, factors 64, epochs 20: a
   * valley in log space whose width is a fraction of each range, so random draws rarely land near it.
   */
  static double objective(Map<String, String> f) {
    double reg = Math.log10(Double.parseDouble(f.get("--regularization")) / 30);
    double alpha = Math.log10(Double.parseDouble(f.get("--alpha")) / 3);
    double factors = Math.log(Double.parseDouble(f.get("--factors")) / 64) / Math.log(2);
    double epochs = (Double.parseDouble(f.get("--epochs")) - 20) / 10;
    return -(reg * reg + alpha * alpha + 0.25 * factors * factors + epochs * epochs);
  }

  private static final Tuner.Listener SILENT = (t, resumed, best, done, planned) -> {};

  private static double best(TuneConfig.Search search, int trials, long seed) {
    TuneConfig c = TuneConfig.random(trials, seed).withSearch(search);
    return Tuner.run(SPACE, c, null, ParzenEstimatorTest::objective, Map.of(), SILENT).best().score();
  }

  @Test
  void tpeFindsBetterThanRandomSearchAtTheSameSmallBudget() {
    // 30 trials (10 random start-up trials, then 20 proposals) on 20 seeds. Measured on this
    // objective: mean best -0.158 (TPE) against -0.818 (random), TPE ahead on 19 of 20 seeds (at 20
    // trials -0.41 against -0.97, 18 seeds; at 60, -0.040 against -0.566, 20 seeds). Asked: a mean at
    // most half random search's distance from the optimum, and ahead on at least 15 of the 20 seeds.
    int seeds = 20;
    double tpeSum = 0;
    double randomSum = 0;
    int tpeAhead = 0;
    for (long seed = 1; seed <= seeds; seed++) {
      double tpe = best(TuneConfig.Search.TPE, 30, seed);
      double random = best(TuneConfig.Search.RANDOM, 30, seed);
      tpeSum += tpe;
      randomSum += random;
      if (tpe > random) tpeAhead++;
    }
    assertThat(tpeSum / seeds).isGreaterThan(0.5 * randomSum / seeds);
    assertThat(tpeAhead).isGreaterThanOrEqualTo(15);
  }

  @Test
  void startUpTrialsAreRandomSearchsAndProposalsStayInTheSpace() {
    TuneConfig c = TuneConfig.random(25, 9).withSearch(TuneConfig.Search.TPE).withStartupTrials(10);
    List<Tuner.Trial> tpe = Tuner.run(SPACE, c, null, ParzenEstimatorTest::objective, Map.of(), SILENT).trials();
    List<Tuner.Trial> random = Tuner.run(SPACE, TuneConfig.random(25, 9), null, ParzenEstimatorTest::objective,
        Map.of(), SILENT).trials();
    assertThat(tpe).hasSize(25);
    for (int j = 0; j < 10; j++) assertThat(tpe.get(j).flags()).isEqualTo(random.get(j).flags());
    for (Tuner.Trial t : tpe) {
      assertThat(Double.parseDouble(t.flags().get("--regularization"))).isBetween(0.00999, 1000.1);
      assertThat(Double.parseDouble(t.flags().get("--alpha"))).isBetween(0.0999, 200.1);
      assertThat(Integer.parseInt(t.flags().get("--factors"))).isBetween(8, 256);
      assertThat(Integer.parseInt(t.flags().get("--epochs"))).isBetween(5, 30);
    }
  }

  @Test
  void aResumedSearchProposesWhatTheFirstRunDid() {
    TuneConfig c = TuneConfig.random(20, 4).withSearch(TuneConfig.Search.TPE).withStartupTrials(5);
    Tuner.Result full = Tuner.run(SPACE, c, null, ParzenEstimatorTest::objective, Map.of(), SILENT);
    Map<String, Tuner.Trial> first = new HashMap<>();
    full.trials().stream().limit(12).forEach(t -> first.put(t.key(), t));
    List<Map<String, String>> ran = new ArrayList<>();
    Tuner.Result resumed = Tuner.run(SPACE, c, null, f -> {
      ran.add(f);
      return objective(f);
    }, first, SILENT);
    assertThat(ran).hasSize(8);
    assertThat(resumed.trials().stream().map(Tuner.Trial::flags).toList())
        .isEqualTo(full.trials().stream().map(Tuner.Trial::flags).toList());
  }

  @Test
  void unitPositionsRoundTripAndTheNormalCdfIsAccurate() {
    Param p = Param.logUniform("--alpha", 0.1, 200);
    assertThat(p.toUnit(Double.parseDouble(p.fromUnit(0.37)))).isCloseTo(0.37, within(1e-3));
    assertThat(p.fromUnit(0)).isEqualTo("0.1000");
    assertThat(Param.integers("--epochs", 5, 30).fromUnit(1)).isEqualTo("30");
    // Phi(0) = 0.5, Phi(1.96) = 0.975002, Phi(-1) = 0.158655 (tables); A&S 7.1.26 is within 1.5e-7.
    assertThat(ParzenEstimator.normalCdf(0)).isCloseTo(0.5, within(1e-7));
    assertThat(ParzenEstimator.normalCdf(1.96)).isCloseTo(0.975002, within(1e-6));
    assertThat(ParzenEstimator.normalCdf(-1)).isCloseTo(0.158655, within(1e-6));
  }
}
