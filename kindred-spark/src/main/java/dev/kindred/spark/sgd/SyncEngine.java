package dev.kindred.spark.sgd;

import dev.kindred.core.LatentFactorModel;
import dev.kindred.spark.InteractionChunk;
import dev.kindred.spark.SparkTrainingOptions;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk-synchronous local SGD ({@link SyncMode#SYNC}). Each round: the driver broadcasts the
 * parameters; every partition (ratings of the users {@code u mod P == p}, {@code P =}
 * {@link SparkTrainingOptions#numUserBlocks()}) copies them, runs {@code stepsPerRound} SGD steps
 * ({@link LocalSgd#run}) and returns its change; {@code treeAggregate} sums the changes and the
 * driver adds the sum to its parameters. Summing (rather than averaging) keeps each partition's
 * steps at full size, the first-order equivalent of applying every partition's steps in sequence;
 * user rows are changed by one partition only, so for them it is exact.
 *
 * <p>Data movement per round: the broadcast ({@code 4 (k + 1)(users + items)} bytes to each
 * executor) and, per partition, the rows it changed ({@link RowDelta}: {@code 4 (k + 2)} bytes a
 * row, its own users and the items its users rated) into the tree aggregation. This is the
 * parameter-server style baseline; DSGD moves only the item factors and no user factors.
 *
 * <p>Checkpoints: with {@link SparkTrainingOptions#checkpointDir()} and an interval, the driver's
 * parameters are written whenever the epoch count crosses a multiple of the interval
 * ({@link SgdCheckpoints}); {@code resume} restarts after the newest one's round. A lost executor
 * only costs its tasks' retries: the parameters live on the driver and the ratings are recomputed
 * from their lineage.
 *
 * <p>Not bit-reproducible in general: the aggregation tree adds floats in an order set by task
 * completion (with two partitions the one addition commutes, so it is).
 */
final class SyncEngine {

  private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

  private SyncEngine() {}

  static SgdResult run(JavaSparkContext jsc, JavaRDD<InteractionChunk> chunks, SgdProblem problem,
      DataSummary summary, SparkTrainingOptions options, DistributedSgdOptions sync, String algorithm,
      Function<Params, LatentFactorModel> toModel, RoundListener listener) {
    int partitions = options.numUserBlocks();
    int stepsPerRound = sync.stepsPerRound();
    long t0 = System.nanoTime();
    long excluded = 0;
    JavaRDD<LocalRatings> ratings = LocalSgd.partitionByUser(chunks, partitions, problem.numUsers(),
        problem.numItems(), options.seed(), options.storageLevel());
    int rounds = LocalSgd.rounds(problem, summary.count, partitions, stepsPerRound);
    SgdCheckpoints checkpoints = options.checkpointDir() == null ? null : new SgdCheckpoints(jsc,
        options.checkpointDir(), algorithm, partitions, problem.factors(), problem.numUsers(), problem.numItems());
    SgdCheckpoints.LoadedParams loaded = options.resume() && checkpoints != null ? checkpoints.latestParams() : null;
    Params params = loaded == null ? problem.objective().initial(problem, summary) : loaded.params();
    int firstRound = loaded == null ? 0 : loaded.round();
    if (loaded != null) LOG.info("SYNC SGD resumes {} after round {}", algorithm, firstRound);
    double stepsDone = 0;
    for (int t = firstRound; t < rounds; t++) {
      Broadcast<Params> bc = jsc.broadcast(params);
      final int round = t;
      ParamDelta sum = ratings
          .map(r -> LocalSgd.run(r, bc.value(), problem, round, stepsPerRound))
          .treeAggregate(ParamDelta.EMPTY, ParamDelta::plus, ParamDelta::plus, sync.treeDepth());
      bc.destroy();
      sum.addTo(params);
      stepsDone += sum.steps();
      // Epochs are rounds * epochs / rounds-total; checkpoint when a multiple of the interval is crossed.
      int interval = options.checkpointInterval();
      if (checkpoints != null && interval > 0
          && ((long) (t + 1) * problem.epochs() / rounds / interval > (long) t * problem.epochs() / rounds / interval
              || t + 1 == rounds)) {
        checkpoints.saveParams(t + 1, params);
      }
      double meanLoss = sum.steps() == 0 ? Double.NaN : sum.loss() / sum.steps();
      long now = System.nanoTime();
      Params snapshot = params;
      listener.onRound(new RoundReport(t + 1, stepsDone / Math.max(1, summary.count), meanLoss, now - t0 - excluded),
          () -> toModel.apply(snapshot));
      excluded += System.nanoTime() - now;
      if (!Double.isFinite(meanLoss) && sum.steps() > 0) {
        LOG.warn("SYNC SGD stopped at round {}: non-finite loss", t + 1);
        break;
      }
    }
    ratings.unpersist(false);
    LatentFactorModel model = toModel.apply(params);
    return new SgdResult(model, new SyncStats((rounds - firstRound) * (long) partitions, 0, 0),
        loaded == null ? 0 : (int) ((long) firstRound * problem.epochs() / rounds));
  }
}
