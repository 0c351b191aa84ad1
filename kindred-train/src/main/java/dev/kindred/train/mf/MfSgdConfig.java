package dev.kindred.train.mf;

import dev.kindred.train.DataShape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of biased matrix factorisation trained by SGD ({@link MfSgdTrainer}). Defaults
 * live in {@link #DEFAULTS}; they were chosen on MovieLens 100K (see docs/benchmarks.md), except
 * {@code regularization}, which defaults to {@code auto} ({@link #autoRegularization}): MovieLens
 * 100K wants 0.07 to 0.09 where generated sets with four to six times the ratings per item want 0.05.
 *
 * @param factors latent dimension {@code k}
 * @param epochs passes over the training data
 * @param learningRate SGD step {@code eta} (the initial step under {@code adaptive})
 * @param learningRateDecay factor applied to the step after every epoch, in (0, 1]
 * @param regularization L2 penalty {@code lambda} on user and item factors, per rating; NaN
 *     ({@code --regularization auto}, the default) resolves to {@link #autoRegularization} of the
 *     training data when training starts
 * @param biasRegularization L2 penalty on user and item biases
 * @param biases learn {@code mu + b_u + b_i} (true) or score by {@code p . q} alone (false)
 * @param adaptive per-row AdaGrad step sizes as in LibMF (Chin et al., PAKDD 2015)
 * @param initStd standard deviation of the Gaussian factor initialisation
 * @param bins grid blocks per side, at most {@link #MAX_BINS}; 0 picks {@code 2 * threads}: two blocks
 *     per thread in each stratum balance the load, and larger blocks mean fewer barriers (measured in
 *     docs/benchmarks.md)
 * @param threads worker threads
 * @param seed seed for initialisation and the block schedule
 * @param earlyStoppingPatience stop after this many epochs without validation improvement and keep
 *     the best epoch's parameters; 0 disables (a validation set is needed)
 */
public record MfSgdConfig(int factors, int epochs, float learningRate, float learningRateDecay, float regularization,
    float biasRegularization, boolean biases, boolean adaptive, float initStd, int bins, int threads, long seed,
    int earlyStoppingPatience) {

  /** The most grid blocks per side: {@code bins^2} blocks are scheduled each epoch. */
  public static final int MAX_BINS = 1024;

  public static final MfSgdConfig DEFAULTS =
      new MfSgdConfig(128, 60, 0.015f, 0.97f, Float.NaN, 0.01f, true, false, 0.1f, 0, 2, 42L, 0);

  /** {@code c} of {@link #autoRegularization}. */
  public static final double AUTO_REGULARIZATION_SCALE = 0.21;

  public MfSgdConfig {
    require(factors > 0, "factors must be > 0, got " + factors);
    require(epochs > 0, "epochs must be > 0, got " + epochs);
    require(learningRate > 0 && Float.isFinite(learningRate), "learningRate must be > 0, got " + learningRate);
    require(learningRateDecay > 0 && learningRateDecay <= 1, "learningRateDecay must be in (0, 1], got " + learningRateDecay);
    require(Float.isNaN(regularization) || regularization >= 0 && Float.isFinite(regularization),
        "regularization must be >= 0 (or NaN: auto), got " + regularization);
    require(biasRegularization >= 0 && Float.isFinite(biasRegularization),
        "biasRegularization must be >= 0, got " + biasRegularization);
    require(initStd >= 0 && Float.isFinite(initStd), "initStd must be >= 0, got " + initStd);
    require(bins >= 0 && bins <= MAX_BINS, "bins must be in [0, " + MAX_BINS + "] (the grid has bins^2 blocks), got "
        + bins);
    require(threads > 0, "threads must be > 0, got " + threads);
    require(earlyStoppingPatience >= 0, "earlyStoppingPatience must be >= 0, got " + earlyStoppingPatience);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  public MfSgdConfig withFactors(int v) {
    return new MfSgdConfig(v, epochs, learningRate, learningRateDecay, regularization, biasRegularization, biases, adaptive, initStd, bins, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withEpochs(int v) {
    return new MfSgdConfig(factors, v, learningRate, learningRateDecay, regularization, biasRegularization, biases, adaptive, initStd, bins, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withLearningRate(float v) {
    return new MfSgdConfig(factors, epochs, v, learningRateDecay, regularization, biasRegularization, biases, adaptive, initStd, bins, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withLearningRateDecay(float v) {
    return new MfSgdConfig(factors, epochs, learningRate, v, regularization, biasRegularization, biases, adaptive, initStd, bins, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withRegularization(float v) {
    return new MfSgdConfig(factors, epochs, learningRate, learningRateDecay, v, biasRegularization, biases, adaptive, initStd, bins, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withBiasRegularization(float v) {
    return new MfSgdConfig(factors, epochs, learningRate, learningRateDecay, regularization, v, biases, adaptive, initStd, bins, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withBiases(boolean v) {
    return new MfSgdConfig(factors, epochs, learningRate, learningRateDecay, regularization, biasRegularization, v, adaptive, initStd, bins, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withAdaptive(boolean v) {
    return new MfSgdConfig(factors, epochs, learningRate, learningRateDecay, regularization, biasRegularization, biases, v, initStd, bins, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withInitStd(float v) {
    return new MfSgdConfig(factors, epochs, learningRate, learningRateDecay, regularization, biasRegularization, biases, adaptive, v, bins, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withBins(int v) {
    return new MfSgdConfig(factors, epochs, learningRate, learningRateDecay, regularization, biasRegularization, biases, adaptive, initStd, v, threads, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withThreads(int v) {
    return new MfSgdConfig(factors, epochs, learningRate, learningRateDecay, regularization, biasRegularization, biases, adaptive, initStd, bins, v, seed, earlyStoppingPatience);
  }

  public MfSgdConfig withSeed(long v) {
    return new MfSgdConfig(factors, epochs, learningRate, learningRateDecay, regularization, biasRegularization, biases, adaptive, initStd, bins, threads, v, earlyStoppingPatience);
  }

  public MfSgdConfig withEarlyStoppingPatience(int v) {
    return new MfSgdConfig(factors, epochs, learningRate, learningRateDecay, regularization, biasRegularization, biases, adaptive, initStd, bins, threads, seed, v);
  }

  /**
   * The per-rating penalty {@code lambda = c / (interactions / items)^(1/4)}, with {@code c} =
   * {@link #AUTO_REGULARIZATION_SCALE}. A per-rating penalty adds up to {@code lambda n_i |q_i|^2}
   * for an item with {@code n_i} ratings, a prior that grows with the evidence; an item with more
   * ratings needs less shrinkage, so {@code lambda} falls with the mean ratings per item, here by
   * its fourth root (fitted on MovieLens 100K, 48 ratings per item, best near 0.08, and two generated
   * sets with 180 and 270, best near 0.05: docs/benchmarks.md, "Defaults that hold beyond MovieLens").
   */
  public static float autoRegularization(DataShape shape) {
    return (float) (AUTO_REGULARIZATION_SCALE / Math.pow(shape.perItem(), 0.25));
  }

  /** This config with every {@code auto} (NaN) value resolved for {@code shape}; unchanged if none. */
  public MfSgdConfig resolve(DataShape shape) {
    return Float.isNaN(regularization) ? withRegularization(autoRegularization(shape)) : this;
  }

  /** Bins actually used for {@code threads} threads. */
  public int effectiveBins() {
    return bins > 0 ? bins : 2 * threads;
  }

  /** Every hyperparameter as strings, for provenance. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("factors", Integer.toString(factors));
    m.put("epochs", Integer.toString(epochs));
    m.put("learningRate", Float.toString(learningRate));
    m.put("learningRateDecay", Float.toString(learningRateDecay));
    m.put("regularization", Float.toString(regularization));
    m.put("biasRegularization", Float.toString(biasRegularization));
    m.put("biases", Boolean.toString(biases));
    m.put("adaptive", Boolean.toString(adaptive));
    m.put("initStd", Float.toString(initStd));
    m.put("bins", Integer.toString(effectiveBins()));
    m.put("earlyStoppingPatience", Integer.toString(earlyStoppingPatience));
    return m;
  }
}
