package dev.kindred.spark.sgd;

import dev.kindred.core.LatentFactorModel;
import dev.kindred.math.WorkerPool;
import dev.kindred.spark.InteractionChunk;
import dev.kindred.spark.SparkTrainingOptions;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Asynchronous local SGD with bounded staleness ({@link SyncMode#ASYNC}).
 *
 * <p>The ratings are partitioned by user as under SYNC. The driver runs one thread per partition
 * (a pool created and closed by the call); partition {@code p}'s thread loops over its rounds:
 * wait for the clock rule of {@link ParameterServer} (no partition more than {@code staleness}
 * rounds ahead of the slowest), copy and broadcast the current parameters, run a Spark job on
 * partition {@code p} alone ({@code collectPartitions}) that does {@code stepsPerRound} local SGD
 * steps ({@link LocalSgd#run}), and add the returned delta to the driver's parameters at once.
 * Jobs of different partitions run concurrently, so a fast partition merges several times while a
 * slow one computes: the slow one's delta is then applied to parameters that moved since it read
 * them. {@link SyncStats} reports the largest clock gap (never above the bound) and the largest
 * merge lag seen.
 *
 * <p>Data movement per round and partition: one broadcast of the parameters
 * ({@code 4 (k + 1)(users + items)} bytes) and the changed rows back ({@link RowDelta},
 * {@code 4 (k + 2)} bytes a row). Not reproducible: merge order follows job completion.
 *
 * <p>Progress is reported every {@code partitions} merges (one round's worth); the listener runs
 * on the merging thread while the other partitions continue, and its time is not excluded.
 */
final class AsyncEngine {

  private AsyncEngine() {}

  static SgdResult run(JavaSparkContext jsc, JavaRDD<InteractionChunk> chunks, SgdProblem problem,
      DataSummary summary, SparkTrainingOptions options, DistributedSgdOptions sync,
      Function<Params, LatentFactorModel> toModel, RoundListener listener) {
    int partitions = options.numUserBlocks();
    int stepsPerRound = sync.stepsPerRound();
    long t0 = System.nanoTime();
    JavaRDD<LocalRatings> ratings = LocalSgd.partitionByUser(chunks, partitions, problem.numUsers(),
        problem.numItems(), options.seed(), options.storageLevel());
    ratings.count(); // build the partitions once, before the per-partition jobs race for them
    ParameterServer server = new ParameterServer(problem.objective().initial(problem, summary), partitions, sync.staleness());
    int rounds = LocalSgd.rounds(problem, summary.count, partitions, stepsPerRound);
    AtomicLong stepsDone = new AtomicLong();
    double[] lossWindow = new double[2];
    try (WorkerPool pool = WorkerPool.create(partitions, "kindred-async-sgd")) {
      pool.forEachThread(part -> {
        try {
          for (int c = 0; c < rounds; c++) {
            ParameterServer.Read read = server.awaitRound(part, c);
            Broadcast<Params> bc = jsc.broadcast(read.params());
            final int round = c;
            List<ParamDelta>[] out = ratings
                .mapPartitionsWithIndex((idx, it) -> idx == part
                    ? Collections.singletonList(LocalSgd.run(it.next(), bc.value(), problem, round, stepsPerRound))
                        .iterator()
                    : Collections.<ParamDelta>emptyIterator(), true)
                .collectPartitions(new int[] {part});
            bc.destroy();
            ParamDelta d = out[0].get(0);
            long merges = server.merge(part, d, read.version());
            long steps = stepsDone.addAndGet((long) d.steps());
            double meanLoss;
            synchronized (lossWindow) {
              lossWindow[0] += d.loss();
              lossWindow[1] += d.steps();
              meanLoss = lossWindow[1] == 0 ? Double.NaN : lossWindow[0] / lossWindow[1];
              if (merges % partitions == 0) {
                lossWindow[0] = 0;
                lossWindow[1] = 0;
              }
            }
            if (merges % partitions == 0) {
              Params snapshot = server.snapshot();
              listener.onRound(new RoundReport((int) (merges / partitions), (double) steps / Math.max(1, summary.count),
                  meanLoss, System.nanoTime() - t0), () -> toModel.apply(snapshot));
            }
          }
        } catch (InterruptedException e) {
          server.fail();
          Thread.currentThread().interrupt();
          throw new IllegalStateException("asynchronous SGD interrupted", e);
        } catch (RuntimeException | Error e) {
          server.fail();
          throw e;
        }
      });
    } finally {
      ratings.unpersist(false);
    }
    Params params = server.snapshot();
    LatentFactorModel model = toModel.apply(params);
    return new SgdResult(model, server.stats(), 0);
  }
}
