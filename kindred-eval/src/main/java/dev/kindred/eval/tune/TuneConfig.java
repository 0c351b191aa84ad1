package dev.kindred.eval.tune;

/**
 * How {@link Tuner} searches.
 *
 * @param search random search, successive halving or a Tree-structured Parzen Estimator
 * @param trials configurations drawn from the space (successive halving trains the survivors of
 *     each rung again with more epochs, so it runs more trainings but fewer epochs in all)
 * @param timeBudgetNanos no trial starts after this much time (0: no limit)
 * @param maxResource successive halving: epochs of the last rung (the model's full schedule)
 * @param eta successive halving: each rung keeps the best 1/eta configurations and gives them eta
 *     times the epochs
 * @param seed the configurations drawn (same seed and space: same configurations)
 * @param startupTrials TPE: configurations drawn at random (the same as random search's first ones)
 *     before the estimator proposes the rest
 */
public record TuneConfig(Search search, int trials, long timeBudgetNanos, int maxResource, int eta, long seed,
    int startupTrials) {

  /** The search strategies. */
  public enum Search {
    /** Every configuration trained with the full schedule (Bergstra and Bengio 2012). */
    RANDOM,
    /**
     * Successive halving (Jamieson and Talwalkar 2016, arXiv:1502.07943; as one bracket of
     * Hyperband, Li et al. 2018, arXiv:1603.06560): all configurations with few epochs, the best
     * 1/eta with eta times more, until the full schedule.
     */
    HALVING,
    /**
     * Tree-structured Parzen Estimator (Bergstra et al., NeurIPS 2011; {@link ParzenEstimator}):
     * {@code startupTrials} random configurations, then each next one proposed from the scores so far.
     */
    TPE
  }

  public static final int DEFAULT_ETA = 3;

  /** TPE's random start-up trials when not given (Optuna's default, 10). */
  public static final int DEFAULT_STARTUP_TRIALS = 10;

  public TuneConfig {
    if (search == null) throw new IllegalArgumentException("search must be random, halving or tpe");
    if (trials < 1) throw new IllegalArgumentException("trials must be >= 1, got " + trials);
    if (timeBudgetNanos < 0) throw new IllegalArgumentException("time budget must be >= 0, got " + timeBudgetNanos);
    if (maxResource < 1) throw new IllegalArgumentException("maxResource must be >= 1, got " + maxResource);
    if (eta < 2) throw new IllegalArgumentException("eta must be >= 2, got " + eta);
    if (startupTrials < 1) throw new IllegalArgumentException("startup trials must be >= 1, got " + startupTrials);
  }

  /** A config with TPE's default start-up trials (they matter only for {@link Search#TPE}). */
  public TuneConfig(Search search, int trials, long timeBudgetNanos, int maxResource, int eta, long seed) {
    this(search, trials, timeBudgetNanos, maxResource, eta, seed, DEFAULT_STARTUP_TRIALS);
  }

  public static TuneConfig random(int trials, long seed) {
    return new TuneConfig(Search.RANDOM, trials, 0, 1, DEFAULT_ETA, seed);
  }

  public TuneConfig withSearch(Search s) {
    return new TuneConfig(s, trials, timeBudgetNanos, maxResource, eta, seed, startupTrials);
  }

  public TuneConfig withTimeBudgetNanos(long n) {
    return new TuneConfig(search, trials, n, maxResource, eta, seed, startupTrials);
  }

  public TuneConfig withMaxResource(int r) {
    return new TuneConfig(search, trials, timeBudgetNanos, r, eta, seed, startupTrials);
  }

  public TuneConfig withEta(int e) {
    return new TuneConfig(search, trials, timeBudgetNanos, maxResource, e, seed, startupTrials);
  }

  public TuneConfig withStartupTrials(int n) {
    return new TuneConfig(search, trials, timeBudgetNanos, maxResource, eta, seed, n);
  }
}
