package dev.kindred.eval.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.ModelFitException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TunerTest {

  private static final SearchSpace SPACE = new SearchSpace(List.of(Param.logUniform("--regularization", 0.01, 100),
      Param.logIntegers("--factors", 4, 64), Param.integers("--epochs", 5, 30)));

  /** Peaks at regularization 1; more epochs help a little, so rungs rank like the full schedule. */
  private static double objective(Map<String, String> flags) {
    double reg = Double.parseDouble(flags.get("--regularization"));
    int epochs = Integer.parseInt(flags.get("--epochs"));
    return -Math.abs(Math.log10(reg)) + 0.001 * epochs;
  }

  private static final Tuner.Listener SILENT = (t, resumed, best, done, planned) -> {};

  @Test
  void paramsDrawInsideTheirRangesAndParse() {
    SplittableRandom r = new SplittableRandom(1);
    for (int j = 0; j < 1000; j++) {
      Map<String, String> f = SPACE.sample(r);
      assertThat(Double.parseDouble(f.get("--regularization"))).isBetween(0.00999, 100.01);
      assertThat(Integer.parseInt(f.get("--factors"))).isBetween(4, 64);
      assertThat(Integer.parseInt(f.get("--epochs"))).isBetween(5, 30);
    }
    assertThat(Param.parse("factors=16:256:log:int")).isEqualTo(Param.logIntegers("--factors", 16, 256));
    assertThat(Param.parse("--alpha=1:200:log")).isEqualTo(Param.logUniform("--alpha", 1, 200));
    assertThat(Param.parse(Param.logIntegers("--factors", 16, 256).toString())).isEqualTo(Param.logIntegers("--factors", 16, 256));
    assertThatThrownBy(() -> Param.parse("alpha=0:10:log")).hasMessageContaining("--alpha: a log range needs lo > 0");
    assertThatThrownBy(() -> Param.parse("alpha=1:10:cubic")).hasMessageContaining("unknown option 'cubic'");
    assertThatThrownBy(() -> Param.parse("alpha")).hasMessageContaining("expected name=lo:hi");
    assertThatThrownBy(() -> Param.parse("alpha=3:1")).hasMessageContaining("need finite lo <= hi");
    // half of a log-uniform draw over 0.01..100 falls below 1 (the geometric middle); measured 0.507 over 1000
    long below = 0;
    SplittableRandom s = new SplittableRandom(2);
    for (int j = 0; j < 1000; j++) below += Double.parseDouble(Param.logUniform("--r", 0.01, 100).sample(s)) < 1 ? 1 : 0;
    assertThat(below).isBetween(440L, 560L);
  }

  @Test
  void randomSearchRunsEveryConfigurationOnceAndKeepsTheBest() {
    Tuner.Result r = Tuner.run(SPACE, TuneConfig.random(20, 7), null, TunerTest::objective, Map.of(), SILENT);
    assertThat(r.trials()).hasSize(20);
    assertThat(r.planned()).isEqualTo(20);
    double max = r.trials().stream().mapToDouble(Tuner.Trial::score).max().orElseThrow();
    assertThat(r.best().score()).isEqualTo(max);
    Tuner.Result again = Tuner.run(SPACE, TuneConfig.random(20, 7), null, TunerTest::objective, Map.of(), SILENT);
    assertThat(again.trials().stream().map(Tuner.Trial::flags).toList())
        .isEqualTo(r.trials().stream().map(Tuner.Trial::flags).toList());
  }

  @Test
  void halvingGivesTheSurvivorsMoreEpochsRungByRung() {
    TuneConfig c = TuneConfig.random(27, 3).withSearch(TuneConfig.Search.HALVING).withMaxResource(27);
    assertThat(Tuner.rungResources(c)).containsExactly(1, 3, 9, 27);
    assertThat(Tuner.rungResources(c.withMaxResource(30))).containsExactly(1, 3, 10, 30);
    assertThat(Tuner.rungResources(c.withMaxResource(5))).containsExactly(2, 5); // log3(5) < 2: one halving only
    Tuner.Result r = Tuner.run(SPACE, c, "--epochs", TunerTest::objective, Map.of(), SILENT);
    assertThat(r.planned()).isEqualTo(27 + 9 + 3 + 1);
    assertThat(r.trials()).hasSize(40);
    int[] perRung = new int[4];
    for (Tuner.Trial t : r.trials()) {
      perRung[t.rung()]++;
      assertThat(t.flags().get("--epochs")).isEqualTo(Integer.toString(Tuner.rungResources(c)[t.rung()]));
    }
    assertThat(perRung).containsExactly(27, 9, 3, 1);
    // the survivor of rung k is among the best third of rung k - 1
    Tuner.Trial last = r.best();
    assertThat(last.rung()).isEqualTo(3);
    List<Double> rung0 = new ArrayList<>(r.trials().stream().filter(t -> t.rung() == 0).map(Tuner.Trial::score).toList());
    rung0.sort(null);
    double rung0OfBest = r.trials().stream().filter(t -> t.rung() == 0 && t.config() == last.config())
        .findFirst().orElseThrow().score();
    assertThat(rung0OfBest).isEqualTo(rung0.get(rung0.size() - 1)); // the objective's ranking does not change with epochs
  }

  @Test
  void resumedTrialsAreNotRunAgain() {
    TuneConfig c = TuneConfig.random(9, 5).withSearch(TuneConfig.Search.HALVING).withMaxResource(9);
    Map<String, Tuner.Trial> first = new HashMap<>();
    Tuner.Result full = Tuner.run(SPACE, c, "--epochs", TunerTest::objective, Map.of(), SILENT);
    full.trials().stream().limit(7).forEach(t -> first.put(t.key(), t));
    int[] calls = {0};
    int[] resumed = {0};
    Tuner.Result r = Tuner.run(SPACE, c, "--epochs", f -> {
      calls[0]++;
      return objective(f);
    }, first, (t, wasResumed, best, done, planned) -> resumed[0] += wasResumed ? 1 : 0);
    assertThat(resumed[0]).isEqualTo(7);
    assertThat(calls[0]).isEqualTo(full.trials().size() - 7);
    assertThat(r.best().flags()).isEqualTo(full.best().flags());
    assertThat(r.best().score()).isEqualTo(full.best().score());
  }

  @Test
  void aDivergedFitRanksLastAndATimeBudgetStopsTheSearch() {
    int[] n = {0};
    Tuner.Result r = Tuner.run(SPACE, TuneConfig.random(5, 1), null, f -> {
      if (n[0]++ == 0) throw new ModelFitException("NaN factors");
      return objective(f);
    }, Map.of(), SILENT);
    assertThat(r.trials().get(0).score()).isNaN();
    assertThat(r.best().score()).isNotNaN();

    Tuner.Result out = Tuner.run(SPACE, TuneConfig.random(5, 1).withTimeBudgetNanos(1), null, f -> {
      long t0 = System.nanoTime();
      while (System.nanoTime() - t0 < 2_000_000) Thread.onSpinWait();
      return objective(f);
    }, Map.of(), SILENT);
    assertThat(out.outOfTime()).isTrue();
    assertThat(out.trials()).hasSize(1);
  }

  @Test
  void configIsValidated() {
    assertThatThrownBy(() -> TuneConfig.random(0, 1)).hasMessageContaining("trials must be >= 1, got 0");
    assertThatThrownBy(() -> TuneConfig.random(3, 1).withEta(1)).hasMessageContaining("eta must be >= 2");
    assertThatThrownBy(() -> SPACE.with(Param.integers("--epochs", 1, 2)).params().add(null))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new SearchSpace(List.of(Param.integers("--epochs", 1, 2), Param.integers("--epochs", 1, 3))))
        .hasMessageContaining("--epochs appears twice");
  }
}
