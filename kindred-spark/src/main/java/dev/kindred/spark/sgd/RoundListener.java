package dev.kindred.spark.sgd;

import dev.kindred.core.LatentFactorModel;
import java.util.function.Supplier;

/**
 * Receives distributed SGD progress on the driver. {@code model} builds a snapshot of the current
 * parameters on demand, and is valid only during the call (the fit goes on changing what it
 * reads); for DSGD it collects the factor blocks, a Spark job. Under DSGD and SYNC the time spent
 * in the listener and the snapshot is excluded from {@link RoundReport#trainNanos()}. Under
 * {@link SyncMode#ASYNC} it is called from the merging thread while other partitions keep training
 * (so its time is not excluded) and must be quick: keep the snapshot and evaluate it later.
 */
@FunctionalInterface
public interface RoundListener {

  RoundListener NONE = (report, model) -> {};

  void onRound(RoundReport report, Supplier<LatentFactorModel> model);
}
