package dev.kindred.train.als;

import dev.kindred.math.FactorPrecision;
import dev.kindred.train.DataShape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Hyperparameters of implicit-feedback ALS ({@link ImplicitAlsTrainer}). Defaults live in
 * {@link #DEFAULTS}. The best {@code alpha} moves with the data by a factor of 50 (Gowalla's best was
 * 60, MovieLens 100K with ratings as values about 1), so it defaults to {@code auto}: a rule of the
 * data's sparsity and mean value ({@link #autoAlpha}) resolved when training starts; {@code lambda}
 * 70 held across the same data sets (docs/benchmarks.md, "Defaults that hold beyond MovieLens").
 *
 * @param factors latent dimension {@code k}
 * @param iterations alternations (each solves every user, then every item)
 * @param regularization L2 penalty {@code lambda}
 * @param alpha confidence slope: an interaction with value {@code r} has confidence
 *     {@code c = 1 + alpha r} (Hu et al.'s linear scheme; transform counts beforehand, e.g. with
 *     {@code dev.kindred.data.Confidence}, for other schemes); NaN ({@code --alpha auto}, the
 *     default) resolves to {@link #autoAlpha} of the training data when training starts
 * @param weightedLambda scale {@code lambda} by each row's interaction count; false (the paper's
 *     objective) applies the same {@code lambda} to every row
 * @param solver warm-started conjugate gradient, or exact Cholesky
 * @param cgSteps conjugate-gradient steps per row and half-step (used only with {@link AlsSolver#CG})
 * @param initStd standard deviation of the Gaussian factor initialisation
 * @param threads worker threads
 * @param seed seed for the initialisation
 * @param userStorage precision the user factors are held in while training: fp32, or bf16 / fp16 to
 *     halve the largest table of a model with tens of millions of users (50M x 64: 6.4 GB instead of
 *     12.8 GB), each user row rounded as it is solved (see {@link AlternatingLeastSquares}); no warm
 *     start with 16 bits
 */
public record ImplicitAlsConfig(int factors, int iterations, float regularization, float alpha,
    boolean weightedLambda, AlsSolver solver, int cgSteps, float initStd, int threads, long seed,
    FactorPrecision userStorage) {

  public static final ImplicitAlsConfig DEFAULTS =
      new ImplicitAlsConfig(64, 15, 70f, Float.NaN, false, AlsSolver.CG, 3, 0.01f, 2, 42L, FactorPrecision.FP32);

  /** {@code a} of {@link #autoAlpha}. */
  public static final double AUTO_ALPHA_SCALE = 2.0;

  /** The largest {@link #autoAlpha}: the fixed default it replaced. */
  public static final double AUTO_ALPHA_CAP = 20.0;

  public ImplicitAlsConfig {
    require(factors > 0, "factors must be > 0, got " + factors);
    require(iterations > 0, "iterations must be > 0, got " + iterations);
    require(regularization >= 0 && Float.isFinite(regularization),
        "regularization must be >= 0 and finite, got " + regularization);
    require(Float.isNaN(alpha) || alpha >= 0 && Float.isFinite(alpha),
        "alpha must be >= 0 and finite (or NaN: auto), got " + alpha);
    Objects.requireNonNull(solver, "solver");
    require(cgSteps > 0, "cgSteps must be > 0, got " + cgSteps);
    require(initStd >= 0 && Float.isFinite(initStd), "initStd must be >= 0 and finite, got " + initStd);
    require(threads > 0, "threads must be > 0, got " + threads);
    Objects.requireNonNull(userStorage, "userStorage");
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  public ImplicitAlsConfig withFactors(int v) {
    return new ImplicitAlsConfig(v, iterations, regularization, alpha, weightedLambda, solver, cgSteps, initStd,
        threads, seed, userStorage);
  }

  public ImplicitAlsConfig withIterations(int v) {
    return new ImplicitAlsConfig(factors, v, regularization, alpha, weightedLambda, solver, cgSteps, initStd,
        threads, seed, userStorage);
  }

  public ImplicitAlsConfig withRegularization(float v) {
    return new ImplicitAlsConfig(factors, iterations, v, alpha, weightedLambda, solver, cgSteps, initStd, threads,
        seed, userStorage);
  }

  public ImplicitAlsConfig withAlpha(float v) {
    return new ImplicitAlsConfig(factors, iterations, regularization, v, weightedLambda, solver, cgSteps, initStd,
        threads, seed, userStorage);
  }

  public ImplicitAlsConfig withWeightedLambda(boolean v) {
    return new ImplicitAlsConfig(factors, iterations, regularization, alpha, v, solver, cgSteps, initStd, threads,
        seed, userStorage);
  }

  public ImplicitAlsConfig withSolver(AlsSolver v) {
    return new ImplicitAlsConfig(factors, iterations, regularization, alpha, weightedLambda, v, cgSteps, initStd,
        threads, seed, userStorage);
  }

  public ImplicitAlsConfig withCgSteps(int v) {
    return new ImplicitAlsConfig(factors, iterations, regularization, alpha, weightedLambda, solver, v, initStd,
        threads, seed, userStorage);
  }

  public ImplicitAlsConfig withInitStd(float v) {
    return new ImplicitAlsConfig(factors, iterations, regularization, alpha, weightedLambda, solver, cgSteps, v,
        threads, seed, userStorage);
  }

  public ImplicitAlsConfig withThreads(int v) {
    return new ImplicitAlsConfig(factors, iterations, regularization, alpha, weightedLambda, solver, cgSteps,
        initStd, v, seed, userStorage);
  }

  public ImplicitAlsConfig withSeed(long v) {
    return new ImplicitAlsConfig(factors, iterations, regularization, alpha, weightedLambda, solver, cgSteps,
        initStd, threads, v, userStorage);
  }

  public ImplicitAlsConfig withUserStorage(FactorPrecision v) {
    return new ImplicitAlsConfig(factors, iterations, regularization, alpha, weightedLambda, solver, cgSteps, initStd,
        threads, seed, v);
  }

  /**
   * The confidence slope {@code alpha = a sqrt(users * items / interactions) / mean value}, with
   * {@code a} = {@link #AUTO_ALPHA_SCALE}: the sparser the data, the more an observed pair must
   * outweigh the unobserved ones, and values that are ratings (mean above 1) already scale the
   * confidence. Fitted on four data sets whose best {@code alpha} spans 1 to 60 (docs/benchmarks.md,
   * "Defaults that hold beyond MovieLens"): MovieLens 100K with ratings as values (sparsity 20, mean
   * 3.5), the same as events, a generated 1M set (sparsity 55) and Gowalla (sparsity 1,510). It is
   * not the whole story: on {@code kindred generate}'s 10M implicit set (sparsity 250) alpha 20 beats
   * it by 11% in recall@10 and alpha 10 by 21%, and on Last.fm HetRec (sparsity 359, alpha 38)
   * alpha 20 beats it by 9% in NDCG@10, so sparsity alone does not set alpha. Hence the cap at
   * {@link #AUTO_ALPHA_CAP}, the old fixed default: the rule only ever lowers alpha, where it
   * helped (MovieLens: +22% NDCG@10), and costs Gowalla, which wanted more, 4% of recall@20.
   */
  public static float autoAlpha(DataShape shape) {
    return (float) Math.min(AUTO_ALPHA_CAP, AUTO_ALPHA_SCALE * Math.sqrt(shape.sparsity()) / shape.meanValue());
  }

  /** This config with every {@code auto} (NaN) value resolved for {@code shape}; unchanged if none. */
  public ImplicitAlsConfig resolve(DataShape shape) {
    return Float.isNaN(alpha) ? withAlpha(autoAlpha(shape)) : this;
  }

  /** Every hyperparameter as strings, for provenance. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("factors", Integer.toString(factors));
    m.put("iterations", Integer.toString(iterations));
    m.put("regularization", Float.toString(regularization));
    m.put("alpha", Float.toString(alpha));
    m.put("weightedLambda", Boolean.toString(weightedLambda));
    m.put("solver", solver.name());
    m.put("cgSteps", Integer.toString(cgSteps));
    m.put("initStd", Float.toString(initStd));
    if (userStorage != FactorPrecision.FP32) m.put("userStorage", userStorage.label());
    return m;
  }
}
