package dev.kindred.train.bpr;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Hyperparameters of Bayesian personalised ranking ({@link BprTrainer}). Defaults live in
 * {@link #DEFAULTS}, tuned on Gowalla and MovieLens 100K.
 *
 * @param factors latent dimension {@code k}
 * @param epochs passes; one epoch draws as many (user, positive, negative) triples as there are
 *     training pairs
 * @param learningRate SGD step {@code alpha}
 * @param learningRateDecay factor applied to the step after every epoch, in (0, 1]
 * @param regularization L2 penalty {@code lambda_W} on user factors and {@code lambda_H+} on the
 *     positive item's factors
 * @param negativeRegularization L2 penalty {@code lambda_H-} on the negative item's factors
 * @param biasRegularization L2 penalty on item biases (used only with {@code itemBias})
 * @param itemBias learn an item bias {@code b_i} so that {@code x_ui = b_i + p_u . q_i}
 * @param sampling how negatives are proposed
 * @param popularityExponent {@code e} in {@code P(j) ~ degree(j)^e} under
 *     {@link Sampling#POPULARITY}; ignored under {@link Sampling#UNIFORM}
 * @param initStd standard deviation of the Gaussian factor initialisation
 * @param threads Hogwild worker threads; only {@code threads == 1} is bit-for-bit reproducible
 * @param seed seed for initialisation and sampling
 */
public record BprConfig(int factors, int epochs, float learningRate, float learningRateDecay, float regularization,
    float negativeRegularization, float biasRegularization, boolean itemBias, Sampling sampling,
    float popularityExponent, float initStd, int threads, long seed) {

  /** How negative items are proposed (a proposal that is one of the user's items is redrawn). */
  public enum Sampling {
    /** Uniformly over all items, as in the paper. */
    UNIFORM,
    /** Proportionally to {@code degree^popularityExponent}: popular items are harder negatives. */
    POPULARITY
  }

  /**
   * Tuned on two data sets with opposite needs: Gowalla (sparse: 27 training pairs per user, 41k
   * items) is best with light regularization and many epochs, MovieLens 100K (dense: 79 per user,
   * 1.7k items) with heavy regularization and a decaying step. These settings reach recall@20 0.144
   * on Gowalla (0.150 tuned for it) and ndcg@10 0.460 on MovieLens 100K (0.467 tuned for it).
   */
  public static final BprConfig DEFAULTS = new BprConfig(64, 200, 0.05f, 0.99f, 0.015f, 0.015f, 0.015f, true,
      Sampling.UNIFORM, 0.5f, 0.1f, 2, 42L);

  public BprConfig {
    require(factors > 0, "factors must be > 0, got " + factors);
    require(epochs > 0, "epochs must be > 0, got " + epochs);
    require(learningRate > 0 && Float.isFinite(learningRate),
        "learningRate must be > 0 and finite, got " + learningRate);
    require(learningRateDecay > 0 && learningRateDecay <= 1,
        "learningRateDecay must be in (0, 1], got " + learningRateDecay);
    require(regularization >= 0 && Float.isFinite(regularization),
        "regularization must be >= 0 and finite, got " + regularization);
    require(negativeRegularization >= 0 && Float.isFinite(negativeRegularization),
        "negativeRegularization must be >= 0 and finite, got " + negativeRegularization);
    require(biasRegularization >= 0 && Float.isFinite(biasRegularization),
        "biasRegularization must be >= 0 and finite, got " + biasRegularization);
    Objects.requireNonNull(sampling, "sampling");
    require(popularityExponent >= 0 && Float.isFinite(popularityExponent),
        "popularityExponent must be >= 0 and finite, got " + popularityExponent);
    require(initStd >= 0 && Float.isFinite(initStd), "initStd must be >= 0 and finite, got " + initStd);
    require(threads > 0, "threads must be > 0, got " + threads);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  public BprConfig withFactors(int v) {
    return new BprConfig(v, epochs, learningRate, learningRateDecay, regularization, negativeRegularization, biasRegularization, itemBias, sampling, popularityExponent, initStd, threads, seed);
  }

  public BprConfig withEpochs(int v) {
    return new BprConfig(factors, v, learningRate, learningRateDecay, regularization, negativeRegularization, biasRegularization, itemBias, sampling, popularityExponent, initStd, threads, seed);
  }

  public BprConfig withLearningRate(float v) {
    return new BprConfig(factors, epochs, v, learningRateDecay, regularization, negativeRegularization, biasRegularization, itemBias, sampling, popularityExponent, initStd, threads, seed);
  }

  public BprConfig withLearningRateDecay(float v) {
    return new BprConfig(factors, epochs, learningRate, v, regularization, negativeRegularization, biasRegularization, itemBias, sampling, popularityExponent, initStd, threads, seed);
  }

  /** Sets the penalty on user and positive-item factors only. */
  public BprConfig withRegularization(float v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, v, negativeRegularization, biasRegularization, itemBias, sampling, popularityExponent, initStd, threads, seed);
  }

  public BprConfig withNegativeRegularization(float v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, regularization, v, biasRegularization, itemBias, sampling, popularityExponent, initStd, threads, seed);
  }

  public BprConfig withBiasRegularization(float v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, regularization, negativeRegularization, v, itemBias, sampling, popularityExponent, initStd, threads, seed);
  }

  /** One penalty for user, positive, negative and bias parameters, as in the paper's single {@code lambda_Theta}. */
  public BprConfig withAllRegularization(float v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, v, v, v, itemBias, sampling, popularityExponent, initStd, threads, seed);
  }

  public BprConfig withItemBias(boolean v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, regularization, negativeRegularization, biasRegularization, v, sampling, popularityExponent, initStd, threads, seed);
  }

  public BprConfig withSampling(Sampling v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, regularization, negativeRegularization, biasRegularization, itemBias, v, popularityExponent, initStd, threads, seed);
  }

  public BprConfig withPopularityExponent(float v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, regularization, negativeRegularization, biasRegularization, itemBias, sampling, v, initStd, threads, seed);
  }

  public BprConfig withInitStd(float v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, regularization, negativeRegularization, biasRegularization, itemBias, sampling, popularityExponent, v, threads, seed);
  }

  public BprConfig withThreads(int v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, regularization, negativeRegularization, biasRegularization, itemBias, sampling, popularityExponent, initStd, v, seed);
  }

  public BprConfig withSeed(long v) {
    return new BprConfig(factors, epochs, learningRate, learningRateDecay, regularization, negativeRegularization, biasRegularization, itemBias, sampling, popularityExponent, initStd, threads, v);
  }

  /** Every hyperparameter as strings, for provenance (seed and threads are provenance fields). */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("factors", Integer.toString(factors));
    m.put("epochs", Integer.toString(epochs));
    m.put("learningRate", Float.toString(learningRate));
    m.put("learningRateDecay", Float.toString(learningRateDecay));
    m.put("regularization", Float.toString(regularization));
    m.put("negativeRegularization", Float.toString(negativeRegularization));
    m.put("biasRegularization", Float.toString(biasRegularization));
    m.put("itemBias", Boolean.toString(itemBias));
    m.put("sampling", sampling.name().toLowerCase(java.util.Locale.ROOT));
    m.put("popularityExponent", Float.toString(popularityExponent));
    m.put("initStd", Float.toString(initStd));
    return m;
  }
}
