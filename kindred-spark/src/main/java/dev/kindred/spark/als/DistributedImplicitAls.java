package dev.kindred.spark.als;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.train.DataShape;
import dev.kindred.train.als.ImplicitAlsConfig;
import dev.kindred.train.als.ImplicitAlsTrainer;
import java.util.Objects;

/**
 * Implicit-feedback ALS on Spark: the objective, solvers and hyperparameters of kindred-train's
 * {@link ImplicitAlsTrainer} (Hu, Koren, Volinsky, ICDM 2008, doi:10.1109/ICDM.2008.22, with the
 * warm-started conjugate-gradient step of Takacs, Pilaszy, Tikk, RecSys 2011,
 * doi:10.1145/2043932.2043987; see that class for the symbols), with users and items partitioned
 * into blocks and the in/out-block routing of Spark MLlib ALS (Das et al., "Large-scale parallel
 * collaborative filtering", and MLlib's {@code ALS.scala}).
 *
 * <p>Per half-step the Gram matrix {@code Y^T Y} of the fixed side is reduced once from every
 * block ({@code treeAggregate}, {@code k^2} floats per block) and broadcast; each fixed-side block
 * ships to each solving block only the rows that block has interactions with ({@link OutBlock});
 * each solving block gathers them ({@link InBlock}) and runs kindred-math's CG (or Cholesky) on
 * each row, single-threaded inside its Spark task. Cost per iteration as on one machine
 * ({@code (steps + 1)((users + items) k^2 + 4 nnz k)} multiply-adds with CG) spread over the
 * tasks, plus the shuffled factor rows: {@code 4 k} bytes per distinct (solving block, fixed row)
 * pair, at most {@code 4 k min(nnz, items * userBlocks)} per user half-step.
 *
 * <p>Initialisation: when {@code (users + items) k <= 2^24} the initial factors are drawn on the
 * driver exactly as the single-machine trainer draws them, so on the same data and indices the
 * distributed model equals the single-machine one up to float rounding; above that, each row draws
 * from its own stream seeded by {@code (seed, side, row)} (same quality, different random start).
 * Either way the model does not depend on the block count. Departure from the single-machine
 * trainer: the Gram matrix is summed in the order tasks finish, so two runs agree to float rounding rather
 * than bit for bit. Checkpoints and resume: {@link SparkTrainingOptions}.
 *
 * <p>Thread safety: immutable; {@link #fit} runs Spark jobs on the data's context and may be
 * called from one driver thread at a time per context.
 */
public final class DistributedImplicitAls {

  private final ImplicitAlsConfig config;
  private final SparkTrainingOptions options;

  public DistributedImplicitAls(ImplicitAlsConfig config, SparkTrainingOptions options) {
    this.config = Objects.requireNonNull(config, "config");
    this.options = Objects.requireNonNull(options, "options");
  }

  public LatentFactorModel fit(SparkInteractions data) {
    return fit(data, ProgressListener.NONE);
  }

  /**
   * @throws IllegalArgumentException for a negative or non-finite value, or a checkpoint of another fit
   * @throws dev.kindred.core.ModelFitException if the factors are not finite
   */
  public LatentFactorModel fit(SparkInteractions data, ProgressListener listener) {
    long t0 = System.nanoTime();
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(listener, "listener");
    String name = ImplicitAlsTrainer.NAME;
    ValueRange range = ValueRange.of(data.chunks());
    if (!range.finite() || range.min() < 0) {
      throw new IllegalArgumentException(name + ": values must be finite and >= 0 (confidence 1 + alpha * value), "
          + "found range [" + range.min() + ", " + range.max() + "]");
    }
    ImplicitAlsConfig config = this.config.resolve(DataShape.of(data.numUsers(), data.numItems(), data.size(),
        range.sum()));
    float lambda = config.regularization();
    HalfStep.Objective objective = new HalfStep.Objective(true, config.alpha(), lambda, config.weightedLambda(),
        config.solver(), config.cgSteps());
    String fp = BlockAlternation.fingerprint(name, config.toMap(), config.seed(), options, data);
    BlockAlternation.Result r = BlockAlternation.run(name, data, options, objective, config.factors(),
        config.iterations(), config.initStd(), config.seed(), fp, listener);
    double seconds = (System.nanoTime() - t0) / 1e9;
    var prov = SparkProvenance.of(name, config.toMap(), config.seed(), options, data, data.chunks().context(), seconds,
        r.resumedFrom());
    return new LatentFactorModel(prov, data.users(), data.items(), 0f, null, null, r.users(), r.items(),
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
        new FoldInRule.Ridge(lambda, true, config.alpha(), config.weightedLambda()));
  }
}
