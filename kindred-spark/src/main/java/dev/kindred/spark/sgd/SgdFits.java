package dev.kindred.spark.sgd;

import dev.kindred.core.LatentFactorModel;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;

/** Dispatches a distributed SGD fit to the engine of the chosen {@link SyncMode}. */
final class SgdFits {

  private SgdFits() {}

  static SgdResult run(SparkInteractions data, SgdProblem problem, DataSummary summary, SparkTrainingOptions options,
      DistributedSgdOptions sync, String algorithm, Function<Factors, LatentFactorModel> toModel,
      RoundListener listener) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.chunks().context());
    if (sync.mode() == SyncMode.ASYNC && (options.checkpointInterval() > 0 || options.resume())) {
      throw new IllegalArgumentException("checkpoints are implemented for SyncMode.DSGD and SYNC, not " + sync.mode());
    }
    return switch (sync.mode()) {
      case DSGD -> DsgdEngine.run(jsc, data.chunks(), problem, summary, options, algorithm, toModel, listener);
      case SYNC -> SyncEngine.run(jsc, data.chunks(), problem, summary, options, sync, algorithm, toModel, listener);
      case ASYNC -> AsyncEngine.run(jsc, data.chunks(), problem, summary, options, sync, toModel, listener);
    };
  }

  static DataSummary summarize(SparkInteractions data) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("distributed SGD needs at least one training pair, got none");
    }
    return DataSummary.of(data.chunks(), data.numUsers(), data.numItems(), 2);
  }
}
