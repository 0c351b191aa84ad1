package dev.kindred.core;

/** Receives training progress; implementations must be cheap and thread-safe. */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = report -> {};

  /** Called after each epoch (iteration) from the training thread that finished it. */
  void onEpoch(EpochReport report);

  /**
   * One epoch's numbers.
   *
   * @param epoch 1-based epoch just finished
   * @param epochs planned epochs
   * @param trainLoss the training objective (or training RMSE) after this epoch, NaN if not known
   * @param validationScore validation RMSE (or the trainer's stated metric), NaN without validation
   * @param epochNanos wall time of this epoch
   * @param elapsedNanos wall time since the fit started
   */
  record EpochReport(int epoch, int epochs, double trainLoss, double validationScore, long epochNanos,
      long elapsedNanos) {}
}
