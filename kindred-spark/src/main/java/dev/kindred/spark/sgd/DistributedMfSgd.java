package dev.kindred.spark.sgd;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.train.DataShape;
import dev.kindred.train.mf.MfSgdConfig;
import dev.kindred.train.mf.MfSgdTrainer;
import java.util.Map;
import java.util.Objects;

/**
 * Biased matrix factorisation trained by SGD on Spark: the objective, hyperparameters and model of
 * {@link MfSgdTrainer} ({@code r_ui ~ mu + b_u + b_i + p_u . q_i}, squared error with
 * {@code lambda = regularization} on factors and {@code lambda_b = biasRegularization} on biases,
 * step {@code eta = learningRate} times {@code learningRateDecay} per epoch), with the executors'
 * updates combined by one of three {@link SyncMode}s:
 * <ul>
 *   <li>{@link SyncMode#DSGD} (default): stratified SGD, Gemulla, Nijkamp, Haas, Sismanis, KDD 2011,
 *       doi:10.1145/2020408.2020426 ({@link DsgdEngine} documents the grid, the strata and the
 *       data movement: item factor blocks move, user factors never do). Paper symbols: the grid
 *       side {@code d} is {@link SparkTrainingOptions#numUserBlocks()} (= {@code numItemBlocks}),
 *       the step sequence {@code epsilon_n} is {@code eta decay^epoch}.
 *   <li>{@link SyncMode#SYNC}: bulk-synchronous local SGD with {@code treeAggregate} ({@link SyncEngine}).
 *   <li>{@link SyncMode#ASYNC}: asynchronous local SGD, bounded staleness ({@link AsyncEngine}).
 * </ul>
 *
 * <p>The model is a {@link LatentFactorModel} with the single-machine trainer's fold-in rule
 * ({@link FoldInRule.Sgd}, 100 epochs) and score clip (the training value range), so the CLI,
 * server and Java API read it like any other model file. Provenance names the algorithm
 * {@code mf-sgd} and adds the distributed layout to the config map.
 *
 * <p>Departures from {@link MfSgdTrainer}: the initial factors are drawn per row (from a generator
 * seeded by the seed and the row), not in one stream, so the two do not start from the same point;
 * per-row AdaGrad ({@code adaptive}) and early stopping are not supported (refused); the trainer's
 * {@code bins} and {@code threads} are replaced by the block layout (one single-threaded task per
 * block).
 *
 * <p>Cost per epoch: {@code O(nnz k)} flops over all executors (about {@code 6k} per rating), plus
 * the data movement of the mode (see the engines). Driver memory: the full model once, when it is
 * assembled at the end (and every round under SYNC / ASYNC). Thread safety: static and stateless;
 * concurrent fits on one Spark context are allowed (each caches and releases its own RDDs).
 */
public final class DistributedMfSgd {

  /** Epochs of the fold-in rule, as {@code MfSgdTrainer} stores (its constant is package-private). */
  static final int FOLD_IN_EPOCHS = 100;

  private DistributedMfSgd() {}

  /** Fits and returns the model; see {@link #train} for the synchronisation statistics too. */
  public static LatentFactorModel fit(SparkInteractions data, MfSgdConfig config, SparkTrainingOptions options,
      DistributedSgdOptions sync) {
    return train(data, config, options, sync, RoundListener.NONE).model();
  }

  /** Fits, reporting progress to {@code listener}. */
  public static SgdResult train(SparkInteractions data, MfSgdConfig config, SparkTrainingOptions options,
      DistributedSgdOptions sync, RoundListener listener) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(sync, "sync");
    Objects.requireNonNull(listener, "listener");
    if (config.adaptive()) {
      throw new IllegalArgumentException("distributed mf-sgd does not support adaptive (AdaGrad) steps; set adaptive=false");
    }
    if (config.earlyStoppingPatience() > 0) {
      throw new IllegalArgumentException("distributed mf-sgd does not support early stopping, got patience "
          + config.earlyStoppingPatience());
    }
    MfSgdConfig resolved = config.resolve(DataShape.of(data.numUsers(), data.numItems(), data.size(), data.size()));
    if (resolved != config) return train(data, resolved, options, sync, listener); // its rule reads counts only
    long t0 = System.nanoTime();
    DataSummary summary = SgdFits.summarize(data);
    float mu = config.biases() ? (float) summary.mean() : 0f;
    SgdProblem problem = new SgdProblem(
        new MfObjective(mu, config.regularization(), config.biasRegularization(), config.biases()),
        config.factors(), config.epochs(), config.learningRate(), config.learningRateDecay(), config.initStd(),
        config.seed(), data.numUsers(), data.numItems(), true);
    float lo = Float.NEGATIVE_INFINITY;
    float hi = Float.POSITIVE_INFINITY;
    if (config.biases() && summary.min < summary.max) { // one value only (implicit events): nothing to clip to
      lo = summary.min;
      hi = summary.max;
    }
    final float scoreMin = lo;
    final float scoreMax = hi;
    Map<String, String> conf = SgdFits.provenanceConfig(config.toMap(), sync, options);
    conf.remove("bins");
    FoldInRule foldIn = new FoldInRule.Sgd(config.learningRate(), config.regularization(), FOLD_IN_EPOCHS, false,
        config.seed());
    return SgdFits.run(data, problem, summary, options, sync, MfSgdTrainer.NAME, f -> {
      Provenance prov = Provenance.builder(MfSgdTrainer.NAME).config(conf).dataFingerprint(data.fingerprint())
          .seed(config.seed()).threads(options.numUserBlocks())
          .size(data.numUsers(), data.numItems(), Math.toIntExact(data.size()))
          .trainSeconds((System.nanoTime() - t0) / 1e9).build();
      return new LatentFactorModel(prov, data.users(), data.items(), mu, f.userBias(), f.itemBias(), f.users(),
          f.items(), scoreMin, scoreMax, foldIn);
    }, listener);
  }
}
