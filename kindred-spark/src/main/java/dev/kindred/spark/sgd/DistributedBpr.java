package dev.kindred.spark.sgd;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.train.bpr.BprConfig;
import dev.kindred.train.bpr.BprTrainer;
import java.util.Map;
import java.util.Objects;

/**
 * Bayesian personalised ranking on Spark: the objective, hyperparameters and model of
 * {@link BprTrainer} (Rendle et al., UAI 2009, arXiv:1205.2618: maximise
 * {@code sum ln sigma(x_ui - x_uj) - lambda ||Theta||^2}, {@code x_ui = b_i + p_u . q_i}; symbols
 * as in {@link BprTrainer}), trained with the executors' updates combined by a {@link SyncMode}
 * (DSGD by default, Gemulla et al., KDD 2011, doi:10.1145/2020408.2020426; see {@link DsgdEngine}).
 *
 * <p>Departures from {@link BprTrainer}:
 * <ol>
 *   <li>Under DSGD a step may touch only the item block of the current stratum, so the negative
 *       {@code j} for a pair {@code (u, i)} is drawn uniformly from the items of {@code i}'s item
 *       block ({@code j mod d == i mod d}) that {@code u} has not rated, not from all items.
 *       Over an epoch every block is visited, so every item still serves as a negative; with
 *       {@code d} blocks the negatives of one pair are confined to {@code 1/d} of the catalogue.
 *       Under SYNC / ASYNC negatives are drawn from all items, as in the paper.
 *   <li>An epoch visits each training pair once in a seeded shuffled order (the paper and
 *       {@code BprTrainer} draw pairs with replacement); a pair whose user has rated
 *       {@value BprObjective#MAX_DRAWS} proposals in a row is skipped.
 *   <li>{@link BprConfig.Sampling#POPULARITY} is refused (uniform negatives only);
 *       {@code threads} is replaced by the block layout.
 * </ol>
 *
 * <p>The model is a {@link LatentFactorModel} with zero mean and user biases, the item biases if
 * configured, and {@code BprTrainer}'s fold-in rule ({@link FoldInRule.Sgd}, pairwise). Cost per
 * epoch: {@code O(nnz k)} flops (about {@code 8k} per pair) plus a binary search in the user's
 * items per proposal, and the data movement of the mode. Thread safety: static and stateless.
 */
public final class DistributedBpr {

  private DistributedBpr() {}

  public static LatentFactorModel fit(SparkInteractions data, BprConfig config, SparkTrainingOptions options,
      DistributedSgdOptions sync) {
    return train(data, config, options, sync, RoundListener.NONE).model();
  }

  public static SgdResult train(SparkInteractions data, BprConfig config, SparkTrainingOptions options,
      DistributedSgdOptions sync, RoundListener listener) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(sync, "sync");
    Objects.requireNonNull(listener, "listener");
    if (config.sampling() != BprConfig.Sampling.UNIFORM) {
      throw new IllegalArgumentException("distributed bpr samples negatives uniformly only, got sampling "
          + config.sampling());
    }
    long t0 = System.nanoTime();
    DataSummary summary = SgdFits.summarize(data);
    SgdProblem problem = new SgdProblem(
        new BprObjective(config.regularization(), config.negativeRegularization(), config.biasRegularization(),
            config.itemBias()),
        config.factors(), config.epochs(), config.learningRate(), config.learningRateDecay(), config.initStd(),
        config.seed(), data.numUsers(), data.numItems(), false);
    Map<String, String> conf = SgdFits.provenanceConfig(config.toMap(), sync, options);
    FoldInRule foldIn = new FoldInRule.Sgd(config.learningRate(), config.regularization(), BprTrainer.FOLD_IN_EPOCHS,
        true, config.seed());
    return SgdFits.run(data, problem, summary, options, sync, BprTrainer.NAME, f -> {
      Provenance prov = Provenance.builder(BprTrainer.NAME).config(conf).dataFingerprint(data.fingerprint())
          .seed(config.seed()).threads(options.numUserBlocks())
          .size(data.numUsers(), data.numItems(), Math.toIntExact(data.size()))
          .trainSeconds((System.nanoTime() - t0) / 1e9).build();
      return new LatentFactorModel(prov, data.users(), data.items(), 0f, f.userBias(), f.itemBias(), f.users(),
          f.items(), Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, foldIn);
    }, listener);
  }
}
