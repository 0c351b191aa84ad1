package dev.kindred.train.als;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Hyperparameters of explicit-rating ALS ({@link AlsTrainer}). Defaults live in {@link #DEFAULTS};
 * they were chosen on the MovieLens 100K folds (see the trainer's Javadoc).
 *
 * @param factors latent dimension {@code k}
 * @param iterations alternations (each solves every user, then every item)
 * @param regularization L2 penalty {@code lambda}
 * @param weightedLambda scale {@code lambda} by each row's rating count {@code n_u} (ALS-WR, Zhou et
 *     al. 2008); false applies the same {@code lambda} to every row
 * @param solver exact Cholesky, or warm-started conjugate gradient
 * @param cgSteps conjugate-gradient steps per row and half-step (used only with {@link AlsSolver#CG})
 * @param initStd standard deviation of the Gaussian factor initialisation
 * @param threads worker threads
 * @param seed seed for the initialisation
 */
public record AlsConfig(int factors, int iterations, float regularization, boolean weightedLambda, AlsSolver solver,
    int cgSteps, float initStd, int threads, long seed) {

  public static final AlsConfig DEFAULTS = new AlsConfig(32, 15, 0.1f, true, AlsSolver.CG, 3, 0.1f, 2, 42L);

  public AlsConfig {
    require(factors > 0, "factors must be > 0, got " + factors);
    require(iterations > 0, "iterations must be > 0, got " + iterations);
    require(regularization >= 0 && Float.isFinite(regularization),
        "regularization must be >= 0 and finite, got " + regularization);
    Objects.requireNonNull(solver, "solver");
    require(cgSteps > 0, "cgSteps must be > 0, got " + cgSteps);
    require(initStd >= 0 && Float.isFinite(initStd), "initStd must be >= 0 and finite, got " + initStd);
    require(threads > 0, "threads must be > 0, got " + threads);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  public AlsConfig withFactors(int v) {
    return new AlsConfig(v, iterations, regularization, weightedLambda, solver, cgSteps, initStd, threads, seed);
  }

  public AlsConfig withIterations(int v) {
    return new AlsConfig(factors, v, regularization, weightedLambda, solver, cgSteps, initStd, threads, seed);
  }

  public AlsConfig withRegularization(float v) {
    return new AlsConfig(factors, iterations, v, weightedLambda, solver, cgSteps, initStd, threads, seed);
  }

  public AlsConfig withWeightedLambda(boolean v) {
    return new AlsConfig(factors, iterations, regularization, v, solver, cgSteps, initStd, threads, seed);
  }

  public AlsConfig withSolver(AlsSolver v) {
    return new AlsConfig(factors, iterations, regularization, weightedLambda, v, cgSteps, initStd, threads, seed);
  }

  public AlsConfig withCgSteps(int v) {
    return new AlsConfig(factors, iterations, regularization, weightedLambda, solver, v, initStd, threads, seed);
  }

  public AlsConfig withInitStd(float v) {
    return new AlsConfig(factors, iterations, regularization, weightedLambda, solver, cgSteps, v, threads, seed);
  }

  public AlsConfig withThreads(int v) {
    return new AlsConfig(factors, iterations, regularization, weightedLambda, solver, cgSteps, initStd, v, seed);
  }

  public AlsConfig withSeed(long v) {
    return new AlsConfig(factors, iterations, regularization, weightedLambda, solver, cgSteps, initStd, threads, v);
  }

  /** Every hyperparameter as strings, for provenance. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("factors", Integer.toString(factors));
    m.put("iterations", Integer.toString(iterations));
    m.put("regularization", Float.toString(regularization));
    m.put("weightedLambda", Boolean.toString(weightedLambda));
    m.put("solver", solver.name());
    m.put("cgSteps", Integer.toString(cgSteps));
    m.put("initStd", Float.toString(initStd));
    return m;
  }
}
