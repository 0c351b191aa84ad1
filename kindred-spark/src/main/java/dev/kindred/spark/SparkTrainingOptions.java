package dev.kindred.spark;

import java.util.Objects;
import org.apache.spark.storage.StorageLevel;

/**
 * How a distributed fit is laid out on the cluster, independent of the model's hyperparameters
 * (those stay in the single-machine config records, e.g. {@code ImplicitAlsConfig}). Defaults live
 * in {@link #DEFAULTS}.
 *
 * @param numUserBlocks user blocks (one Spark partition each); user {@code u} lives in block
 *     {@code u mod numUserBlocks}
 * @param numItemBlocks item blocks, likewise
 * @param checkpointDir directory (any Hadoop file system URI or local path) for checkpoints, or null
 *     for none
 * @param checkpointInterval checkpoint every this many iterations (0 = never); needs a directory
 * @param resume start from the latest checkpoint in {@code checkpointDir} when there is one
 * @param storageLevel how factor and data blocks are cached between iterations
 * @param seed seed of the Spark-side randomness (e.g. the order of SGD strata); a model's own
 *     initialisation seed stays in its config
 */
public record SparkTrainingOptions(int numUserBlocks, int numItemBlocks, String checkpointDir, int checkpointInterval,
    boolean resume, StorageLevel storageLevel, long seed) implements java.io.Serializable {

  public static final SparkTrainingOptions DEFAULTS =
      new SparkTrainingOptions(4, 4, null, 0, false, StorageLevel.MEMORY_AND_DISK(), 42L);

  public SparkTrainingOptions {
    if (numUserBlocks <= 0 || numItemBlocks <= 0) {
      throw new IllegalArgumentException("SparkTrainingOptions: block counts must be > 0, got users="
          + numUserBlocks + " items=" + numItemBlocks);
    }
    if (checkpointInterval < 0) {
      throw new IllegalArgumentException("SparkTrainingOptions: checkpointInterval must be >= 0, got "
          + checkpointInterval);
    }
    if (checkpointInterval > 0 && checkpointDir == null) {
      throw new IllegalArgumentException("SparkTrainingOptions: checkpointInterval " + checkpointInterval
          + " needs a checkpointDir");
    }
    if (resume && checkpointDir == null) {
      throw new IllegalArgumentException("SparkTrainingOptions: resume needs a checkpointDir");
    }
    Objects.requireNonNull(storageLevel, "storageLevel");
  }

  /** The same number of user and item blocks. */
  public SparkTrainingOptions withBlocks(int blocks) {
    return new SparkTrainingOptions(blocks, blocks, checkpointDir, checkpointInterval, resume, storageLevel, seed);
  }

  public SparkTrainingOptions withBlocks(int userBlocks, int itemBlocks) {
    return new SparkTrainingOptions(userBlocks, itemBlocks, checkpointDir, checkpointInterval, resume, storageLevel,
        seed);
  }

  /** Checkpoints to {@code dir} every {@code interval} iterations. */
  public SparkTrainingOptions withCheckpoints(String dir, int interval) {
    return new SparkTrainingOptions(numUserBlocks, numItemBlocks, dir, interval, resume, storageLevel, seed);
  }

  public SparkTrainingOptions withResume(boolean v) {
    return new SparkTrainingOptions(numUserBlocks, numItemBlocks, checkpointDir, checkpointInterval, v, storageLevel,
        seed);
  }

  public SparkTrainingOptions withStorageLevel(StorageLevel v) {
    return new SparkTrainingOptions(numUserBlocks, numItemBlocks, checkpointDir, checkpointInterval, resume, v, seed);
  }

  public SparkTrainingOptions withSeed(long v) {
    return new SparkTrainingOptions(numUserBlocks, numItemBlocks, checkpointDir, checkpointInterval, resume,
        storageLevel, v);
  }
}
