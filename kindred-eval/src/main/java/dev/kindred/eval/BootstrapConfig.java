package dev.kindred.eval;

/**
 * How {@link Bootstrap} resamples. Defaults live in {@link #DEFAULTS} only.
 *
 * @param resamples bootstrap resamples B, at least 100 (percentile intervals from fewer are too
 *     coarse to print)
 * @param confidence the interval's coverage, in (0, 1); 0.95 gives the 2.5% and 97.5% percentiles
 * @param seed the seed of the resampling (same seed => same intervals and p-values)
 */
public record BootstrapConfig(int resamples, double confidence, long seed) {

  public static final BootstrapConfig DEFAULTS = new BootstrapConfig(1000, 0.95, 42L);

  public BootstrapConfig {
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be >= 100, got " + resamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
  }

  public BootstrapConfig withResamples(int b) {
    return new BootstrapConfig(b, confidence, seed);
  }

  public BootstrapConfig withConfidence(double c) {
    return new BootstrapConfig(resamples, c, seed);
  }

  public BootstrapConfig withSeed(long s) {
    return new BootstrapConfig(resamples, confidence, s);
  }
}
