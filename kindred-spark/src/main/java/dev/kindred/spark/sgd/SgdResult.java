package dev.kindred.spark.sgd;

import dev.kindred.core.LatentFactorModel;

/**
 * A distributed SGD fit: the model and what was observed about synchronisation.
 *
 * @param model the fitted model (same format as the single-machine trainer's)
 * @param stats merges and observed staleness
 * @param resumedFromEpoch the checkpointed epoch the fit resumed from, or 0
 */
public record SgdResult(LatentFactorModel model, SyncStats stats, int resumedFromEpoch) {}
