package dev.kindred.core;

/**
 * A trainer whose model can use side features of users and items (hybrid models). Front ends
 * that read feature files pass them through {@link #fit(Interactions, Interactions, SideFeatures,
 * ProgressListener)}; {@link Trainer#fit(Interactions, Interactions, ProgressListener)} trains
 * without them.
 *
 * @param <M> the model it produces
 */
public interface FeatureTrainer<M extends Model> extends Trainer<M> {

  /**
   * Fits a model to {@code train} with side features.
   *
   * @param features side features on the interactions' id numbering ({@link SideFeatures#NONE}
   *     for none)
   * @throws IllegalArgumentException if a feature matrix's rows do not match the interactions
   */
  M fit(Interactions train, Interactions validation, SideFeatures features, ProgressListener listener);

  /**
   * A model with its encoders of new entities ({@link EntityEncoder}): what scores a user or item
   * from side features alone. A side is null when the model has no encoder for it (no side
   * features there).
   */
  record Fit<M extends Model>(M model, EntityEncoder users, EntityEncoder items) {}

  /**
   * As {@link #fit(Interactions, Interactions, SideFeatures, ProgressListener)}, also handing out
   * the encoders; the default has none.
   */
  default Fit<M> fitWithEncoders(Interactions train, Interactions validation, SideFeatures features,
      ProgressListener listener) {
    return new Fit<>(fit(train, validation, features, listener), null, null);
  }

  @Override
  default M fit(Interactions train, Interactions validation, ProgressListener listener) {
    return fit(train, validation, SideFeatures.NONE, listener);
  }
}
