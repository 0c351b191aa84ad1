package dev.kindred.spark.sgd;

import dev.kindred.math.VectorOps;
import dev.kindred.spark.InteractionChunk;
import java.util.Collections;
import java.util.SplittableRandom;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Local SGD rounds for {@link SyncMode#SYNC} and {@link SyncMode#ASYNC}: ratings partitioned by
 * user ({@code u mod partitions}, so a user's row is only ever changed by one partition and a
 * BPR negative can be checked against all of the user's items), each partition walking its own
 * seeded order in windows of {@code stepsPerRound} steps.
 */
final class LocalSgd {

  private LocalSgd() {}

  static JavaRDD<LocalRatings> partitionByUser(JavaRDD<InteractionChunk> chunks, int partitions, int numUsers,
      int numItems, long seed, StorageLevel level) {
    return chunks
        .flatMapToPair(c -> DsgdEngine.splitByUserBlock(c, partitions).iterator())
        .partitionBy(new HashPartitioner(partitions))
        .values()
        .mapPartitionsWithIndex((idx, it) -> Collections.singletonList(
            LocalRatings.build(idx, it, numUsers, numItems, 1, seed)).iterator(), true)
        .persist(level);
  }

  /** Rounds that give every partition about {@code epochs} passes: {@code ceil(epochs nnz / (P N))}. */
  static int rounds(SgdProblem problem, long nnz, int partitions, int stepsPerRound) {
    if (stepsPerRound == 0) return problem.epochs();
    return (int) Math.max(1, Math.ceil((double) problem.epochs() * nnz / ((double) partitions * stepsPerRound)));
  }

  /**
   * Round {@code round} of one partition: copies {@code base}, runs SGD over the window
   * {@code [round N, round N + N)} of its order (wrapping; the whole partition when
   * {@code N == 0}) with the step of the partition's current epoch, and returns the changed rows.
   */
  static ParamDelta run(LocalRatings r, Params base, SgdProblem problem, int round, int stepsPerRound) {
    int n = r.size();
    Params local = base.copy();
    if (n == 0) return ParamDelta.of(local, base, 0, 0);
    long first = stepsPerRound == 0 ? (long) round * n : (long) round * stepsPerRound;
    int steps = stepsPerRound == 0 ? n : stepsPerRound;
    float lr = problem.learningRateAt((int) (first / n));
    SplittableRandom rng = new SplittableRandom(Seeds.mix(problem.seed(), round, r.partition));
    double loss = 0;
    double taken = 0;
    int at = (int) (first % n);
    for (int left = steps; left > 0; ) {
      int to = Math.min(n, at + left);
      double[] ls = problem.objective().pass(VectorOps.kernels(), r, at, to, local, lr, rng);
      loss += ls[0];
      taken += ls[1];
      left -= to - at;
      at = to == n ? 0 : to;
    }
    return ParamDelta.of(local, base, loss, taken);
  }
}
