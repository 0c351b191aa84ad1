package dev.kindred.spark.sgd;

import dev.kindred.math.Kernels;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * One model's SGD step over a run of a partition's ratings, against one user block and one item
 * block. Implementations are immutable and shipped to executors; the blocks they update belong to
 * the calling task alone.
 */
interface SgdObjective extends Serializable {

  /**
   * Runs the steps of {@code ratings.order[from .. to)}; every rating's user must be in
   * {@code users} and item in {@code items}. Returns {loss sum, steps taken}.
   */
  double[] pass(Kernels kern, LocalRatings ratings, int from, int to, FactorBlock users, FactorBlock items,
      float lr, SplittableRandom rng);

  /**
   * The steps of {@code ratings.order[from .. to)} on the whole model ({@link SyncMode#SYNC} and
   * {@link SyncMode#ASYNC}); by default {@link #pass(Kernels, LocalRatings, int, int, FactorBlock,
   * FactorBlock, float, SplittableRandom)} on its user and item blocks. A model with step-rule state
   * overrides this.
   */
  default double[] pass(Kernels kern, LocalRatings ratings, int from, int to, Params local, float lr,
      SplittableRandom rng) {
    return pass(kern, ratings, from, to, local.users(), local.items(), lr, rng);
  }

  /** The parameters a fit starts from: by default Gaussian rows ({@link Params#initial}). */
  default Params initial(SgdProblem problem, DataSummary summary) {
    return Params.initial(problem, summary);
  }

  /** Whether user rows carry a bias. */
  boolean userBias();

  /** Whether item rows carry a bias. */
  boolean itemBias();
}
