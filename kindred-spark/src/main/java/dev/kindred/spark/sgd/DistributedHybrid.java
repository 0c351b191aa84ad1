package dev.kindred.spark.sgd;

import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.core.SideFeatures;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.train.hybrid.HybridConfig;
import dev.kindred.train.hybrid.HybridLayout;
import dev.kindred.train.hybrid.HybridTable;
import dev.kindred.train.hybrid.HybridTrainer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The hybrid factorisation model ({@link HybridTrainer}: Kula, arXiv:1507.08439, users and items as
 * sums of id and feature embeddings, trained by WARP, k-OS WARP, BPR or logistic loss with AdaGrad;
 * symbols as there) trained data-parallel on Spark by local SGD with the synchronisation of
 * {@link SyncMode#SYNC} ({@link SyncEngine}) or {@link SyncMode#ASYNC} ({@link AsyncEngine}, bounded
 * staleness). The ratings are partitioned by user; each round a partition copies the parameters,
 * runs the trainer's own steps on its next pairs ({@link HybridObjective}) and returns the embedding
 * rows it changed as row deltas ({@link RowDelta}: its users' identity rows, its items', the feature
 * rows both touched), with their AdaGrad sums likewise; the driver adds them up. The model has no
 * dense (non-embedding) weights, so there is nothing to average.
 *
 * <p>Departures from {@link HybridTrainer}:
 * <ol>
 *   <li>Each partition visits its pairs in one seeded order, the same every epoch (the trainer
 *       reshuffles each epoch), and its own random stream per round.
 *   <li>A shared row (an item, a genre) gets the sum of the partitions' changes made from the same
 *       starting point: with {@code P} partitions its step in a round is up to {@code P} times the
 *       single-machine step, which AdaGrad's growing sums damp.
 *   <li>Only the AdaGrad schedule (Adam's moments do not add up across partitions) and only ids
 *       present in the interactions (features of ids without interactions are not added: no
 *       cold-start rows in a Spark-trained model yet).
 * </ol>
 *
 * <p>Cost per epoch: the trainer's flops over all executors, plus per round one broadcast of the
 * tables and their state ({@code 8 (k + 1) (user features + item features)} bytes to every executor)
 * and the changed rows back ({@code 8 (k + 2)} bytes a row). Driver memory: two copies of the
 * tables with their state. Thread safety: static and stateless.
 */
public final class DistributedHybrid {

  private DistributedHybrid() {}

  /** Fits and returns the model; see {@link #train} for the synchronisation statistics too. */
  public static LatentFactorModel fit(SparkInteractions data, SideFeatures features, HybridConfig config,
      SparkTrainingOptions options, DistributedSgdOptions sync) {
    return train(data, features, config, options, sync, RoundListener.NONE).model();
  }

  /**
   * Fits, reporting progress to {@code listener}.
   *
   * @param features side features with one row per user / item of {@code data}'s id indices, or
   *     {@link SideFeatures#NONE} (plain matrix factorisation with the hybrid's loss)
   * @throws IllegalArgumentException for the Adam schedule, {@link SyncMode#DSGD}, or feature
   *     matrices whose rows do not match the data
   */
  public static SgdResult train(SparkInteractions data, SideFeatures features, HybridConfig config,
      SparkTrainingOptions options, DistributedSgdOptions sync, RoundListener listener) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(sync, "sync");
    Objects.requireNonNull(listener, "listener");
    if (config.schedule() != HybridConfig.Schedule.ADAGRAD) {
      throw new IllegalArgumentException("distributed hybrid supports the adagrad schedule only, got "
          + config.schedule().name().toLowerCase(Locale.ROOT));
    }
    if (sync.mode() == SyncMode.DSGD) {
      throw new IllegalArgumentException("distributed hybrid trains with --sync sync or async, not dsgd");
    }
    HybridLayout layout = HybridLayout.of(config, data.numUsers(), data.numItems(), features);
    long t0 = System.nanoTime();
    DataSummary summary = SgdFits.summarize(data);
    SgdProblem problem = new SgdProblem(new HybridObjective(layout), config.factors(), config.epochs(),
        config.learningRate(), 1f, 0f, config.seed(), data.numUsers(), data.numItems(), false);
    Map<String, String> conf = SgdFits.provenanceConfig(config.toMap(), sync, options);
    return SgdFits.runLocal(data, problem, summary, options, sync, HybridTrainer.NAME, p -> {
      Provenance prov = Provenance.builder(HybridTrainer.NAME).config(conf).dataFingerprint(data.fingerprint())
          .seed(config.seed()).threads(options.numUserBlocks())
          .size(data.numUsers(), data.numItems(), Math.toIntExact(data.size()))
          .trainSeconds((System.nanoTime() - t0) / 1e9).build();
      return layout.model(table(p.users(), p.userState()), table(p.items(), p.itemState()), data.users(), data.items(),
          prov);
    }, listener);
  }

  static HybridTable table(FactorBlock rows, FactorBlock state) {
    return new HybridTable(rows.k, rows.factors, rows.bias, state.factors, state.bias);
  }
}
