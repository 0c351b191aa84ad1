package dev.kindred.spark.sgd;

/**
 * Progress of a distributed SGD fit after one epoch (DSGD) or one merge round (SYNC / ASYNC).
 *
 * @param round 1-based epoch (DSGD) or merge (SYNC / ASYNC) just finished
 * @param epochs training steps taken so far divided by the number of training pairs
 * @param trainLoss mean loss of the steps since the previous report (squared error for MF,
 *     {@code -ln sigma} for BPR), measured before each step
 * @param trainNanos wall time of training so far, excluding time spent in listeners and snapshots
 */
public record RoundReport(int round, double epochs, double trainLoss, long trainNanos) {}
