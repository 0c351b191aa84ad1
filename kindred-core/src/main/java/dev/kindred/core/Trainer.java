package dev.kindred.core;

/**
 * Immutable configuration plus an algorithm. {@link #fit} may be called many times, from any
 * thread; it keeps no state between calls and creates and closes its own thread pool.
 *
 * @param <M> the model it produces
 */
public interface Trainer<M extends Model> {

  /** The algorithm's CLI name ({@code mf-sgd}, {@code als}, ...). */
  String name();

  /**
   * Fits a model to {@code train}.
   *
   * @param train training interactions
   * @param validation held-out interactions on the same id indices for early stopping and
   *     progress reports, or null
   * @param listener progress callbacks; {@link ProgressListener#NONE} for none
   * @throws ModelFitException if the fit diverged (non-finite parameters)
   */
  M fit(Interactions train, Interactions validation, ProgressListener listener);

  default M fit(Interactions train) {
    return fit(train, null, ProgressListener.NONE);
  }
}
