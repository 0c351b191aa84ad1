package dev.kindred.spark.sgd;

import dev.kindred.core.LatentFactorModel;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;

/** Dispatches a distributed SGD fit to the engine of the chosen {@link SyncMode}. */
final class SgdFits {

  private SgdFits() {}

  /** A fit whose model is built from the assembled user and item factors (MF, BPR): any mode. */
  static SgdResult run(SparkInteractions data, SgdProblem problem, DataSummary summary, SparkTrainingOptions options,
      DistributedSgdOptions sync, String algorithm, Function<Factors, LatentFactorModel> toModel,
      RoundListener listener) {
    if (sync.mode() == SyncMode.DSGD) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.chunks().context());
      return DsgdEngine.run(jsc, data.chunks(), problem, summary, options, algorithm, toModel, listener);
    }
    return runLocal(data, problem, summary, options, sync, algorithm,
        p -> toModel.apply(Factors.assemble(List.of(p.users()), List.of(p.items()), problem, summary)), listener);
  }

  /**
   * A fit whose model is built from the driver's whole parameters ({@link SyncMode#SYNC} or
   * {@link SyncMode#ASYNC}: local SGD on user partitions, the model on the driver).
   */
  static SgdResult runLocal(SparkInteractions data, SgdProblem problem, DataSummary summary,
      SparkTrainingOptions options, DistributedSgdOptions sync, String algorithm, Function<Params, LatentFactorModel> toModel,
      RoundListener listener) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.chunks().context());
    if (sync.mode() == SyncMode.ASYNC && (options.checkpointInterval() > 0 || options.resume())) {
      throw new IllegalArgumentException("checkpoints are implemented for SyncMode.DSGD and SYNC, not " + sync.mode());
    }
    return switch (sync.mode()) {
      case DSGD -> throw new IllegalArgumentException(algorithm + " trains with --sync sync or async, not dsgd");
      case SYNC -> SyncEngine.run(jsc, data.chunks(), problem, summary, options, sync, algorithm, toModel, listener);
      case ASYNC -> AsyncEngine.run(jsc, data.chunks(), problem, summary, options, sync, toModel, listener);
    };
  }

  /** {@code config} plus the distributed layout, as a fit's provenance records it. */
  static Map<String, String> provenanceConfig(Map<String, String> config, DistributedSgdOptions sync,
      SparkTrainingOptions options) {
    Map<String, String> conf = new LinkedHashMap<>(config);
    conf.put("sync", sync.mode().name().toLowerCase(Locale.ROOT));
    conf.put("blocks", Integer.toString(options.numUserBlocks()));
    if (sync.mode() != SyncMode.DSGD) conf.put("stepsPerRound", Integer.toString(sync.stepsPerRound()));
    if (sync.mode() == SyncMode.ASYNC) conf.put("staleness", Integer.toString(sync.staleness()));
    return conf;
  }

  static DataSummary summarize(SparkInteractions data) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("distributed SGD needs at least one training pair, got none");
    }
    return DataSummary.of(data.chunks(), data.numUsers(), data.numItems(), 2);
  }
}
