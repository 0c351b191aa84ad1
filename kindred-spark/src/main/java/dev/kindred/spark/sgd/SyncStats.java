package dev.kindred.spark.sgd;

/**
 * What a fit observed about parameter freshness.
 *
 * @param merges deltas merged into the driver's parameters (SYNC / ASYNC), or blocks run (DSGD)
 * @param maxClockGap ASYNC: the largest {@code c - min_q clock_q} seen when a partition started its
 *     round {@code c}; never above {@link DistributedSgdOptions#staleness()}. 0 for DSGD and SYNC.
 * @param maxMergeLag ASYNC: the most merges by other partitions applied between a partition reading
 *     the parameters and merging its delta (at most {@code (partitions - 1) * (2 * staleness + 1)}:
 *     while a partition runs round {@code c}, every other one is at clock {@code >= c - staleness}
 *     and cannot start a round past {@code c + staleness}).
 *     0 for DSGD and SYNC, where no update is applied to stale parameters.
 */
public record SyncStats(long merges, int maxClockGap, long maxMergeLag) {}
