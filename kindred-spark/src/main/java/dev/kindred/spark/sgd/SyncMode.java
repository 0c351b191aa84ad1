package dev.kindred.spark.sgd;

/**
 * How the executors' SGD updates meet. See {@link DistributedMfSgd} for the data movement of each.
 */
public enum SyncMode {
  /**
   * Stratified SGD (Gemulla et al., KDD 2011): a {@code d x d} grid of rating blocks; every
   * sub-epoch runs {@code d} blocks that share no user and no item, one per task, so no update is
   * ever lost or stale. User factors stay with their partition; item factor blocks move.
   */
  DSGD,
  /**
   * Bulk-synchronous local SGD: every round each partition runs SGD from the broadcast parameters
   * over its next steps, the deltas are summed by {@code treeAggregate} and the driver broadcasts
   * the new parameters.
   */
  SYNC,
  /**
   * Asynchronous local SGD with bounded staleness (stale synchronous parallel, Ho et al., NIPS
   * 2013): one job per partition per round, submitted from its own driver thread, merged into the
   * driver's parameters as soon as it finishes; a partition waits only when it would get more than
   * {@code staleness} rounds ahead of the slowest partition.
   */
  ASYNC
}
