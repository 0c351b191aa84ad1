package dev.kindred.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bootstrap intervals and paired tests against exact and textbook values. */
class BootstrapTest {

  private static final double CONFIDENCE = 0.95;

  /**
   * Four users with values {0, 1, 1, 4}. The bootstrap distribution of the mean is exactly the
   * distribution over the 4^4 = 256 equally likely ordered draws, enumerated here; its 2.5% and
   * 97.5% quantiles are 0.25 and 3.25 (also from {@code itertools.product(v, repeat=4)} in
   * Python). The empirical CDF is at least 0.0101 away from 0.025 and 0.975 at every support
   * point, so with B = 20,000 resamples (standard error of a CDF value 0.0011) the Monte Carlo
   * interval must land on the exact one.
   */
  @Test
  void percentileIntervalEqualsTheExactSmallSampleBootstrap() {
    double[] v = {0, 1, 1, 4};
    double[] exact = exactBootstrapMeans(v);
    Arrays.sort(exact);
    double lo = Bootstrap.quantile(exact, 0.025);
    double hi = Bootstrap.quantile(exact, 0.975);
    assertThat(lo).isEqualTo(0.25);
    assertThat(hi).isEqualTo(3.25);

    BootstrapConfig config = BootstrapConfig.DEFAULTS.withResamples(20_000).withSeed(7);
    Bootstrap.Statistic mean = Bootstrap.mean(v);
    double[] reps = Bootstrap.replicates(v.length, List.of(mean), config)[0];
    Bootstrap.Interval i = Bootstrap.percentile(mean.of(Bootstrap.sample(4)), reps, CONFIDENCE);
    assertThat(i.estimate()).isEqualTo(1.5);
    assertThat(i.lo()).isEqualTo(lo);
    assertThat(i.hi()).isEqualTo(hi);
  }

  /** Every ordered draw of n from v, its mean. */
  private static double[] exactBootstrapMeans(double[] v) {
    int n = v.length;
    int total = (int) Math.pow(n, n);
    double[] means = new double[total];
    for (int code = 0; code < total; code++) {
      double s = 0;
      int c = code;
      for (int j = 0; j < n; j++) {
        s += v[c % n];
        c /= n;
      }
      means[code] = s / n;
    }
    return means;
  }

  /**
   * A large sample: the percentile interval of a mean approaches mean +- 1.96 sd / sqrt(n). 2,000
   * users with values 0..9 repeated (mean 4.5, population sd 2.8723): half-width 0.12589;
   * tolerance 10% of it (the Monte Carlo error of a 2.5% quantile with B = 4,000 is about 3%).
   */
  @Test
  void largeSampleIntervalMatchesTheNormalApproximation() {
    int n = 2000;
    double[] v = new double[n];
    for (int u = 0; u < n; u++) v[u] = u % 10;
    double halfWidth = 1.959964 * Math.sqrt(8.25) / Math.sqrt(n);
    assertThat(halfWidth).isCloseTo(0.12589, within(1e-5));
    double[] reps = Bootstrap.replicates(n, List.of(Bootstrap.mean(v)),
        BootstrapConfig.DEFAULTS.withResamples(4000))[0];
    Bootstrap.Interval i = Bootstrap.percentile(4.5, reps, CONFIDENCE);
    assertThat(4.5 - i.lo()).isCloseTo(halfWidth, within(0.1 * halfWidth));
    assertThat(i.hi() - 4.5).isCloseTo(halfWidth, within(0.1 * halfWidth));
  }

  @Test
  void identicalModelsHavePValueOne() {
    double[] v = new double[300];
    for (int u = 0; u < v.length; u++) v[u] = (u * 37 % 11) / 10.0;
    double[][] reps = Bootstrap.replicates(v.length, List.of(Bootstrap.mean(v), Bootstrap.mean(v)),
        BootstrapConfig.DEFAULTS);
    double est = Bootstrap.mean(v).of(Bootstrap.sample(v.length));
    Bootstrap.Paired p = Bootstrap.paired(est, reps[0], est, reps[1], CONFIDENCE);
    assertThat(p.pValue()).isEqualTo(1.0);
    assertThat(p.difference()).isZero();
    assertThat(p.lo()).isZero();
    assertThat(p.hi()).isZero();
  }

  @Test
  void aClearlyBetterModelHasTheSmallestPossiblePValue() {
    double[] base = new double[300];
    double[] better = new double[300];
    for (int u = 0; u < base.length; u++) {
      base[u] = (u * 37 % 11) / 20.0;
      better[u] = base[u] + 0.2 + (u % 3) / 100.0;
    }
    BootstrapConfig config = BootstrapConfig.DEFAULTS;
    double[][] reps = Bootstrap.replicates(base.length, List.of(Bootstrap.mean(better), Bootstrap.mean(base)), config);
    int[] all = Bootstrap.sample(base.length);
    Bootstrap.Paired p = Bootstrap.paired(Bootstrap.mean(better).of(all), reps[0], Bootstrap.mean(base).of(all),
        reps[1], CONFIDENCE);
    // no resample brings the difference near zero: p = 1 / (B + 1)
    assertThat(p.pValue()).isEqualTo(1.0 / 1001);
    assertThat(p.difference()).isCloseTo(0.21, within(1e-9));
    assertThat(p.lo()).isGreaterThan(0.2).isLessThan(0.21);
    assertThat(p.hi()).isGreaterThan(0.21).isLessThan(0.22);
  }

  /**
   * A borderline difference: per-user differences 0.1 +- 1 (400 users, mean 0.1, population sd 1)
   * give z = 0.1 / (1 / 20) = 2 and a two-sided normal p of 0.0455; the bootstrap p must agree
   * within 0.015 (Monte Carlo standard error with B = 20,000: 0.0015; the rest is the normal
   * approximation of a mean of 400 coin flips).
   */
  @Test
  void aBorderlineDifferenceMatchesTheNormalTest() {
    int n = 400;
    double[] base = new double[n];
    double[] model = new double[n];
    for (int u = 0; u < n; u++) {
      base[u] = 0.5;
      model[u] = 0.5 + 0.1 + (u % 2 == 0 ? 1 : -1);
    }
    BootstrapConfig config = BootstrapConfig.DEFAULTS.withResamples(20_000).withSeed(3);
    List<Bootstrap.Statistic> stats = new ArrayList<>(List.of(Bootstrap.mean(model), Bootstrap.mean(base)));
    double[][] reps = Bootstrap.replicates(n, stats, config);
    Bootstrap.Paired p = Bootstrap.paired(0.6, reps[0], 0.5, reps[1], CONFIDENCE);
    assertThat(p.pValue()).isCloseTo(0.0455, within(0.015));
  }

  @Test
  void sameSeedSameIntervalsAndNaNsAreLeftOut() {
    double[] v = {1, Double.NaN, 3, 5, Double.NaN, 2};
    Bootstrap.Statistic m = Bootstrap.mean(v);
    assertThat(m.of(Bootstrap.sample(6))).isCloseTo(11.0 / 4, within(1e-12));
    // drawn: user 0 twice, user 1 (NaN) three times, user 3 once -> (2 * 1 + 5) / 3
    assertThat(m.of(new int[] {2, 3, 0, 1, 0, 0})).isCloseTo(7.0 / 3, within(1e-12));
    assertThat(m.of(new int[] {0, 6, 0, 0, 0, 0})).isNaN();
    double[] a = Bootstrap.replicates(6, List.of(m), BootstrapConfig.DEFAULTS)[0];
    double[] b = Bootstrap.replicates(6, List.of(m), BootstrapConfig.DEFAULTS)[0];
    assertThat(a).containsExactly(b);
    assertThatThrownBy(() -> BootstrapConfig.DEFAULTS.withResamples(10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resamples must be >= 100, got 10");
    assertThatThrownBy(() -> BootstrapConfig.DEFAULTS.withConfidence(1.0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("confidence must be in (0, 1), got 1.0");
  }
}
