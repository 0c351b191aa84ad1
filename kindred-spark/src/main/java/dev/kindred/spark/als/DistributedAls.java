package dev.kindred.spark.als;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.train.als.AlsConfig;
import dev.kindred.train.als.AlsTrainer;
import java.util.Objects;

/**
 * Explicit-rating ALS with weighted-lambda regularisation (ALS-WR: Zhou, Wilkinson, Schreiber,
 * Pan, AAIM 2008, doi:10.1007/978-3-540-68880-8_32) on Spark: the objective, solvers, clipping and
 * hyperparameters of kindred-train's {@link AlsTrainer} (see it for the symbols), distributed with
 * the in/out-block routing described in {@link DistributedImplicitAls}. There is no Gram matrix in
 * this objective, so each half-step is exactly one shuffle of the shipped factor rows.
 *
 * <p>Initialisation as in {@link DistributedImplicitAls} (the single-machine draw up to
 * {@code (users + items) k = 2^24}, per-row streams above), so the model does not depend on the
 * block count and, on the same data and indices, equals the single-machine model up to float
 * rounding (each row sums its entries in the order of the gathered rows, which follows the source
 * blocks; with one source block the order and the result are the single machine's). Departure: no
 * per-iteration training RMSE is reported to the listener (NaN), since it would cost another pass
 * over the data. Raw ratings as on one machine: the global mean is 0; predictions are clipped to
 * the training rating range.
 *
 * <p>Cost per iteration: with CG {@code (steps + 1) 4 nnz k} multiply-adds plus the shuffle
 * ({@code 4 k} bytes per distinct (solving block, fixed row) pair); with Cholesky
 * {@code nnz k^2 + (users + items) k^3 / 6}. Thread safety: immutable; {@link #fit} runs Spark
 * jobs on the data's context.
 */
public final class DistributedAls {

  private final AlsConfig config;
  private final SparkTrainingOptions options;

  public DistributedAls(AlsConfig config, SparkTrainingOptions options) {
    this.config = Objects.requireNonNull(config, "config");
    this.options = Objects.requireNonNull(options, "options");
  }

  public LatentFactorModel fit(SparkInteractions data) {
    return fit(data, ProgressListener.NONE);
  }

  /**
   * @throws IllegalArgumentException for a non-finite value, or a checkpoint of another fit
   * @throws dev.kindred.core.ModelFitException if a system is singular or the factors are not finite
   */
  public LatentFactorModel fit(SparkInteractions data, ProgressListener listener) {
    long t0 = System.nanoTime();
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(listener, "listener");
    String name = AlsTrainer.NAME;
    ValueRange range = ValueRange.of(data.chunks());
    if (!range.finite()) {
      throw new IllegalArgumentException(name + ": every rating must be finite, found range [" + range.min() + ", "
          + range.max() + "]");
    }
    float lo = range.min();
    float hi = range.max();
    if (!(lo < hi)) {
      lo = Float.NEGATIVE_INFINITY;
      hi = Float.POSITIVE_INFINITY;
    }
    float lambda = config.regularization();
    HalfStep.Objective objective = new HalfStep.Objective(false, 0f, lambda, config.weightedLambda(),
        config.solver(), config.cgSteps());
    String fp = BlockAlternation.fingerprint(name, config.toMap(), config.seed(), options, data);
    BlockAlternation.Result r = BlockAlternation.run(name, data, options, objective, config.factors(),
        config.iterations(), config.initStd(), config.seed(), fp, listener);
    double seconds = (System.nanoTime() - t0) / 1e9;
    var prov = SparkProvenance.of(name, config.toMap(), config.seed(), options, data, data.chunks().context(), seconds,
        r.resumedFrom());
    return new LatentFactorModel(prov, data.users(), data.items(), 0f, null, null, r.users(), r.items(), lo, hi,
        new FoldInRule.Ridge(lambda, false, 0f, config.weightedLambda()));
  }
}
