package dev.kindred.spark.sgd;

import java.io.Serializable;
import java.util.Objects;

/**
 * How the executors' SGD updates are synchronised; the layout (blocks, checkpoints, Spark-side seed)
 * is in {@link dev.kindred.spark.SparkTrainingOptions} and the model's hyperparameters in the
 * single-machine config ({@code MfSgdConfig}, {@code BprConfig}). Defaults live in {@link #DEFAULTS}.
 *
 * @param mode {@link SyncMode#DSGD} (default), {@link SyncMode#SYNC} or {@link SyncMode#ASYNC}
 * @param stepsPerRound SYNC / ASYNC: SGD steps a partition runs between merges; 0 means one pass
 *     over the partition's data per round (one round per epoch)
 * @param staleness ASYNC: a partition may start its round {@code c} (0-based) only when every
 *     partition has merged at least {@code c - staleness} rounds, i.e. no partition gets more than
 *     {@code staleness} rounds ahead of the slowest; 0 makes each round wait for every partition's
 *     previous round (bulk-synchronous, with merges applied as they arrive)
 * @param treeDepth SYNC: depth of the {@code treeAggregate} that sums the partitions' deltas
 */
public record DistributedSgdOptions(SyncMode mode, int stepsPerRound, int staleness, int treeDepth)
    implements Serializable {

  public static final DistributedSgdOptions DEFAULTS = new DistributedSgdOptions(SyncMode.DSGD, 0, 1, 2);

  public DistributedSgdOptions {
    Objects.requireNonNull(mode, "mode");
    if (stepsPerRound < 0) {
      throw new IllegalArgumentException("DistributedSgdOptions: stepsPerRound must be >= 0, got " + stepsPerRound);
    }
    if (staleness < 0) {
      throw new IllegalArgumentException("DistributedSgdOptions: staleness must be >= 0, got " + staleness);
    }
    if (treeDepth < 1) {
      throw new IllegalArgumentException("DistributedSgdOptions: treeDepth must be >= 1, got " + treeDepth);
    }
  }

  public DistributedSgdOptions withMode(SyncMode v) {
    return new DistributedSgdOptions(v, stepsPerRound, staleness, treeDepth);
  }

  public DistributedSgdOptions withStepsPerRound(int v) {
    return new DistributedSgdOptions(mode, v, staleness, treeDepth);
  }

  public DistributedSgdOptions withStaleness(int v) {
    return new DistributedSgdOptions(mode, stepsPerRound, v, treeDepth);
  }

  public DistributedSgdOptions withTreeDepth(int v) {
    return new DistributedSgdOptions(mode, stepsPerRound, staleness, v);
  }
}
